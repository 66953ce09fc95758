/** What a web request says about where it came from (the Fetch standard's headers). */
interface RequestHeaders {
  get(name: string): string | null | undefined;
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Why a state-changing browser request must be refused as cross-origin, or undefined when it may
 * pass: a browser says `Sec-Fetch-Site` and `Origin` on every such request, and neither can be
 * forged by a page; a request without them comes from no browser, so carries no ambient cookie
 * another site could have borrowed. `hosts` are the host names (with port) this service is
 * reached at: its own Host, and the host of a same-origin proxy in front of it.
 */
export function crossOriginRefusal(
  method: string,
  headers: RequestHeaders,
  hosts: readonly (string | null | undefined)[],
): string | undefined {
  if (SAFE.has(method.toUpperCase())) return undefined;
  const site = headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return `a ${site} request may not change anything`;
  const origin = headers.get("origin");
  if (!origin) return undefined;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return `the origin ${origin} is not an origin`;
  }
  return hosts.includes(host) ? undefined : `a request from ${origin} may not change anything here`;
}
