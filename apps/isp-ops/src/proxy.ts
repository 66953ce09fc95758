import { type NextRequest, NextResponse } from "next/server";
import { portalGate } from "./server/portal/maintenance.ts";
import { tenantGate } from "./server/tenant-env.ts";

/** The customer portal's kill switch (server/portal/maintenance.ts), before any portal code runs. */
export function proxy(request: NextRequest) {
  const { entitlements, brand } = tenantGate(request.headers.get("host"));
  const open = entitlements?.has("customerPortal") ?? true;
  return portalGate(request.nextUrl.pathname, open, brand) ?? NextResponse.next();
}

export const config = { matcher: ["/portal", "/portal/:path*", "/api/v1/portal/:path*"] };
