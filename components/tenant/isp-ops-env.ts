import { effectiveFeatures, type TenantSpec, tiers } from "@dotmac/contracts";
import { RADIUS_CONTROL_PORT, RADIUS_CONTROL_SERVICE } from "./ports.ts";

/**
 * The seed's isp-ops environment ("ISP Operations Specific"); nothing secret goes here, and
 * nothing isp-ops does not read (`IspOpsTenantEnv`). Plan features and seats reach the app as the
 * platform's flags and licence, not as variables a rollout would be needed to change.
 */
export function ispOpsEnv(
  spec: TenantSpec,
  opts: { readonly publicUrl: string; readonly platformApiUrl?: string; readonly mailFrom?: string },
): Record<string, string> {
  const { publicUrl, platformApiUrl, mailFrom } = opts;
  const features = effectiveFeatures(spec);
  return {
    TENANT_SLUG: spec.slug,
    TENANT_PUBLIC_URL: publicUrl,
    NEXT_PUBLIC_TENANT_NAME: spec.branding.name ?? spec.displayName,
    NEXT_PUBLIC_TENANT_LOGO_URL: spec.branding.logoUrl ?? "",
    NEXT_PUBLIC_PRIMARY_COLOR: spec.branding.primaryColor,
    DATABASE_POOL_SIZE: String(tiers[spec.plan].database.pools.ispOps),
    // Suspensions end live sessions through the tenant's RADIUS server (it alone reaches the NAS).
    ...(features.has("radius")
      ? { RADIUS_CONTROL_URL: `http://${RADIUS_CONTROL_SERVICE}:${RADIUS_CONTROL_PORT}` }
      : {}),
    // NAS devices added in isp-ops open the tenant's RADIUS to them through the platform.
    ...(platformApiUrl ? { PLATFORM_API_URL: platformApiUrl } : {}),
    // Notices and receipts; the relay's URL (with its credentials) is in a Secret.
    ...(mailFrom ? { MAIL_FROM: mailFrom } : {}),
  };
}

/** The disruption budget: keep one pod through voluntary disruptions once there are two to spare. */
export function disruptionBudget(minReplicas: number) {
  return minReplicas >= 2 ? { minAvailable: 1 } : { maxUnavailable: 1 };
}
