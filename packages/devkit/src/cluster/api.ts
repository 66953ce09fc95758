import { readFileSync } from "node:fs";
import { request } from "node:https";

export interface ApiCredentials {
  readonly server: string;
  readonly caCert: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: string;
}

/**
 * One HTTPS call to the API server with a client certificate; enough for readiness, bootstrap and
 * tests (which pass `Impersonate-User` to act as another identity).
 */
export function apiRequest(
  creds: ApiCredentials,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const url = new URL(path, creds.server);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: readFileSync(creds.caCert),
        cert: readFileSync(creds.clientCert),
        key: readFileSync(creds.clientKey),
        headers: {
          ...(payload
            ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }
            : {}),
          ...headers,
        },
        timeout: 5_000,
      },
      (res) => {
        let data = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          data += chunk;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on("error", reject);
    req.end(payload);
  });
}

/** Whether the API server answers /readyz; undefined while it does not (for `waitFor`). */
export async function apiReady(creds: ApiCredentials): Promise<true | undefined> {
  const res = await apiRequest(creds, "GET", "/readyz");
  return res.status === 200 ? true : undefined;
}
