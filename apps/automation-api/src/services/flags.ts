import { effectiveFeatures, type Feature, runtimeFeatures, TenantSpec } from "@dotmac/contracts";
import { featureFlags, type PlatformDb, type tenants } from "@dotmac/platform-db";
import { eq, isNull, or } from "drizzle-orm";

type FlagRow = Pick<typeof featureFlags.$inferSelect, "key" | "enabled" | "tenantId">;

/**
 * Each flag's value for one tenant: its override, else the global value. A runtime feature is a
 * flag too, on while the tenant's spec has it; a flag may switch it off (the kill switch for an incident, for
 * every tenant or one) but never gives a tenant a feature its spec does not.
 */
export function tenantFlags(
  features: ReadonlySet<Feature>,
  rows: readonly FlagRow[],
): Record<string, boolean> {
  const flags: Record<string, boolean> = {};
  for (const f of rows) if (f.tenantId === null) flags[f.key] = f.enabled;
  for (const f of rows) if (f.tenantId !== null) flags[f.key] = f.enabled;
  for (const feature of runtimeFeatures) flags[feature] = features.has(feature) && (flags[feature] ?? true);
  return flags;
}

/** What `tenantFlags` gives the tenant, read from its spec and the flags table. */
export async function flagsOf(db: PlatformDb, tenant: typeof tenants.$inferSelect) {
  const rows = await db
    .select({ key: featureFlags.key, enabled: featureFlags.enabled, tenantId: featureFlags.tenantId })
    .from(featureFlags)
    .where(or(isNull(featureFlags.tenantId), eq(featureFlags.tenantId, tenant.id)));
  return tenantFlags(effectiveFeatures(TenantSpec.parse(tenant.spec)), rows);
}
