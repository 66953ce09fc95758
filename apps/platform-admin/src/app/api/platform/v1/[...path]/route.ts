import { API_BASE, upstreamUrl } from "../../../../../server/upstream.ts";

export const dynamic = "force-dynamic";

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
 * The browser's only way to the automation API: same origin, so the API's HttpOnly,
 * SameSite=Strict session cookie works here, and responses (SSE included) stream through.
 */
async function proxy(request: Request, context: { params: Promise<{ path: string[] }> }) {
  const { path } = await context.params;
  // Decoded already: %2e%2e arrives as "..", which would climb out of the API's base path.
  if (path.some((segment) => segment === "." || segment === "..")) {
    return Response.json(
      { type: "about:blank", title: "Bad Request", status: 400, detail: "no . or .. path segments" },
      { status: 400, headers: { "content-type": "application/problem+json" } },
    );
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
  const upstream = await fetch(
    `${upstreamUrl()}${API_BASE}/${path.map(encodeURIComponent).join("/")}${url.search}`,
    {
      method: request.method,
      headers,
      ...(hasBody ? { body: await request.arrayBuffer() } : {}),
      redirect: "manual",
      signal: request.signal,
    },
  );
  const out = new Headers();
  for (const name of RETURNED) {
    const value = upstream.headers.get(name);
    if (value) out.set(name, value);
  }
  for (const cookie of upstream.headers.getSetCookie()) out.append("set-cookie", cookie);
  return new Response(upstream.body, { status: upstream.status, headers: out });
}

export { proxy as DELETE, proxy as GET, proxy as PATCH, proxy as POST, proxy as PUT };
