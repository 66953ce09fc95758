import { createHash } from "node:crypto";
import { problemBody, problemHeaders } from "@dotmac/http/problem";
import { ISP_OPS_API_BASE } from "../api-base.ts";
import { type Branding, escapeHtml } from "../branding.ts";

/** How long a subscriber's browser or app is asked to wait before trying again. */
const RETRY_AFTER_SECONDS = 300;

/** The page's one style, in the tenant's colour; the CSP allows it by its hash. */
const pageStyle = (
  brand: Branding,
) => `body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#1e293b;background:#f8fafc}
header{display:flex;gap:.75rem;align-items:center;padding:1rem;background:${brand.primaryColor};color:#fff;font-weight:600}
main{max-width:32rem;margin:2rem auto;padding:0 1rem}`;

/** The branded page, whole: no script, no other file, nothing a broken portal could be part of. */
export function maintenancePage(brand: Branding): string {
  const logo = brand.logoUrl ? `<img src="${escapeHtml(brand.logoUrl)}" alt="" height="32">` : "";
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(brand.name)}: customer portal under maintenance</title>`,
    `<style>${pageStyle(brand)}</style></head><body>`,
    `<header>${logo}<span>${escapeHtml(brand.name)}</span></header>`,
    "<main><h1>The customer portal is under maintenance</h1>",
    "<p>Your internet service is not affected. Please try again in a few minutes.</p></main>",
    "</body></html>",
  ].join("");
}

const isPortalPage = (path: string) => path === "/portal" || path.startsWith("/portal/");
const isPortalApi = (path: string) => path.startsWith(`${ISP_OPS_API_BASE}/portal/`);

/**
 * The `customerPortal` kill switch: while the flag is off, every portal page answers the tenant's
 * maintenance page and every portal API route a 503 problem, before any portal code runs. Staff
 * pages, RADIUS and Stripe's webhook carry on.
 */
export function portalGate(path: string, open: boolean, brand: Branding): Response | undefined {
  if (open) return undefined;
  const retry = { "retry-after": String(RETRY_AFTER_SECONDS), "cache-control": "no-store" };
  if (isPortalApi(path)) {
    const init = {
      detail: "the customer portal is down for maintenance",
      retryAfterSeconds: RETRY_AFTER_SECONDS,
    };
    return new Response(JSON.stringify(problemBody(503, init)), {
      status: 503,
      headers: { ...problemHeaders(init), "cache-control": "no-store" },
    });
  }
  if (!isPortalPage(path)) return undefined;
  const html = maintenancePage(brand);
  return new Response(html, {
    status: 503,
    headers: {
      ...retry,
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": `default-src 'none'; img-src https:; style-src 'sha256-${createHash("sha256").update(pageStyle(brand)).digest("base64")}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    },
  });
}
