import { request } from "node:http";

/**
 * A browser's calls to a web app at `host` (`<slug>.localhost`, say) served on address:port
 * (127.0.0.1 unless given): the Host header and Origin it sends, and the session cookie it keeps
 * between calls.
 */
export function hostClient(port: number, host: string, address = "127.0.0.1") {
  let cookie = "";
  /** A string body is sent as it is (a signed payload), anything else as JSON. */
  return (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const payload = body === undefined || typeof body === "string" ? body : JSON.stringify(body);
      const req = request(
        {
          host: address,
          port,
          path,
          method,
          headers: {
            host: `${host}:${port}`,
            origin: `http://${host}:${port}`,
            ...(cookie ? { cookie } : {}),
            ...(payload ? { "content-type": "application/json" } : {}),
            ...headers,
          },
        },
        (res) => {
          const set = res.headers["set-cookie"]?.[0];
          if (set) cookie = set.split(";")[0] ?? "";
          let text = "";
          res.on("data", (d) => (text += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
}
