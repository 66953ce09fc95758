import { z } from "zod";

/**
 * What a platform user or API token may do. `platform:admin` implies every other one; a CI token
 * gets only what its pipeline needs (a rollout needs `platform:fleet:write`, nothing else).
 */
export const PlatformPermission = z.enum([
  "platform:admin",
  "platform:tenants:read",
  "platform:tenants:write",
  "platform:tenants:delete",
  /** What a tenant's own isp-ops holds: report the networks its NAS devices send from. */
  "platform:tenants:nas:write",
  /** Also a tenant's isp-ops: read its own flags, plan and licence. */
  "platform:tenants:entitlements:read",
  "platform:fleet:write",
  "platform:flags:read",
  "platform:flags:write",
  "platform:licenses:read",
  "platform:licenses:write",
  "platform:audit:read",
  "platform:tokens:write",
]);
export type PlatformPermission = z.infer<typeof PlatformPermission>;

export const platformPermissions: readonly PlatformPermission[] = PlatformPermission.options;

/** Whether a holder of `granted` may do what `needed` guards. */
export function permits(granted: readonly string[], needed: PlatformPermission): boolean {
  return granted.includes("platform:admin") || granted.includes(needed);
}
