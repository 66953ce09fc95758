// Origin and Sec-Fetch-Site let the API refuse a change another site's page sent with the cookie.
const FORWARDED = [
  "cookie",
  "content-type",
  "accept",
  "last-event-id",
  "idempotency-key",
  "x-request-id",
  "origin",
  "sec-fetch-site",
];
const RETURNED = ["content-type", "cache-control", "location", "retry-after", "x-request-id"];

/**
 * How long the API may take to start answering. Only until its headers arrive: an SSE stream of
 * an operation's events then runs as long as the browser keeps it open.
 */
export const UPSTREAM_HEADERS_TIMEOUT_MS = 30_000;

const problem = (status: number, title: string, detail: string) =>
  Response.json(
    { type: "about:blank", title, status, detail },
    { status, headers: { "content-type": "application/problem+json" } },
  );

/**
 * The browser's only way to the automation API: same origin, so the API's HttpOnly,
 * SameSite=Strict session cookie works here, and responses (SSE included) stream through.
 * `path` is the route's segments, already decoded.
 */
export async function proxyToApi(
  request: Request,
  path: readonly string[],
  apiBase: string,
  opts: { headersTimeoutMs?: number } = {},
): Promise<Response> {
  // Decoded already: %2e%2e arrives as "..", which would climb out of the API's base path.
  if (path.some((segment) => segment === "." || segment === "..")) {
    return problem(400, "Bad Request", "no . or .. path segments");
  }
  const url = new URL(request.url);
  const headers = new Headers();
  for (const name of FORWARDED) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  // The origin the browser sees is ours: the API compares the request's Origin with it.
  headers.set("x-forwarded-host", request.headers.get("host") ?? url.host);
  const hasBody = !["GET", "HEAD"].includes(request.method);
  const waited = new AbortController();
  const timer = setTimeout(() => waited.abort(), opts.headersTimeoutMs ?? UPSTREAM_HEADERS_TIMEOUT_MS);
  let upstream: Response;
  try {
    upstream = await fetch(`${apiBase}/${path.map(encodeURIComponent).join("/")}${url.search}`, {
      method: request.method,
      headers,
      ...(hasBody ? { body: await request.arrayBuffer() } : {}),
      redirect: "manual",
      signal: AbortSignal.any([request.signal, waited.signal]),
    });
  } catch {
    return waited.signal.aborted
      ? problem(504, "Gateway Timeout", "the automation API did not answer in time")
      : problem(502, "Bad Gateway", "the automation API is unreachable");
  } finally {
    clearTimeout(timer);
  }
  const out = new Headers();
  for (const name of RETURNED) {
    const value = upstream.headers.get(name);
    if (value) out.set(name, value);
  }
  for (const cookie of upstream.headers.getSetCookie()) out.append("set-cookie", cookie);
  return new Response(upstream.body, { status: upstream.status, headers: out });
}
