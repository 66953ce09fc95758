import { ProblemError } from "@dotmac/http/problem";
import type { IspOpsDeps } from "./deps.ts";

/**
 * A link into the tenant's app on its own public address. Never on the Host a request names: an
 * unauthenticated password-reset request could otherwise have a subscriber mailed a link to
 * someone else's site.
 */
export function tenantLink(deps: Pick<IspOpsDeps, "publicUrl">, path: string): string {
  if (!deps.publicUrl) {
    throw new ProblemError(503, {
      detail: "the tenant has no public address to link to (TENANT_PUBLIC_URL)",
    });
  }
  return new URL(path, deps.publicUrl).toString();
}
