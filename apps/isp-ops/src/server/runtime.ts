import { SecretBox } from "@dotmac/crypto/secret-box";
import { createTenantDb } from "@dotmac/tenant-db";
import { headers } from "next/headers";
import { stripeGateway } from "./billing/gateway.ts";
import { type Branding, brandingOf } from "./branding.ts";
import type { IspOpsDeps } from "./deps.ts";
import { radiusDisconnector, radiusReauthorizer } from "./disconnector.ts";
import { tenantMail } from "./mail.ts";
import { NasNetworkReporter } from "./nas-network-reporter.ts";
import { followPlatformInvitations } from "./staff-invitations.ts";
import { entitlementsOf, tenantEnvOf } from "./tenant-env.ts";

const tenantEnv = async () => tenantEnvOf((await headers()).get("host"));

export async function branding(): Promise<Branding> {
  return brandingOf((await tenantEnv()).env);
}

// Pools per tenant and database, kept across Next's module reloads in development.
const state = globalThis as unknown as { ispOpsDeps?: Map<string, IspOpsDeps> };

/**
 * The tenant database and the secrets key. The schema is migrated before Next serves the tenant
 * (`dotmac-isp-ops serve`, src/cli.ts), not here: bundled code cannot find the migration files.
 */
export async function deps(): Promise<IspOpsDeps> {
  const { key, env } = await tenantEnv();
  const url = env.DATABASE_URL;
  state.ispOpsDeps ??= new Map();
  const cacheKey = `${key}|${url}`;
  let found = state.ispOpsDeps.get(cacheKey);
  if (!found) {
    const box = SecretBox.fromEnv(env.TENANT_SECRETS_KEY, env.TENANT_SECRETS_PREVIOUS_KEYS);
    const { db } = createTenantDb(url, { max: env.DATABASE_POOL_SIZE });
    const control = env.RADIUS_CONTROL_URL;
    const mail = tenantMail(env);
    const gateway =
      env.STRIPE_SECRET_KEY && env.STRIPE_WEBHOOK_SECRET
        ? stripeGateway({
            secretKey: env.STRIPE_SECRET_KEY,
            webhookSecret: env.STRIPE_WEBHOOK_SECRET,
            apiUrl: env.STRIPE_API_URL,
          })
        : undefined;
    const entitlements = entitlementsOf(key, env);
    const nasReporter =
      env.PLATFORM_API_URL && env.PLATFORM_API_TOKEN
        ? new NasNetworkReporter({
            db,
            url: env.PLATFORM_API_URL,
            token: env.PLATFORM_API_TOKEN,
            slug: env.TENANT_SLUG,
            onError: (error) => console.error("NAS network report failed", error),
          })
        : undefined;
    found = {
      db,
      box,
      ...(control
        ? { disconnect: radiusDisconnector(control, box), reauthorize: radiusReauthorizer(control, box) }
        : {}),
      ...(nasReporter ? { nasReporter } : {}),
      ...(entitlements ? { entitlements } : {}),
      ...(mail ? { mail } : {}),
      ...(gateway ? { gateway } : {}),
      brand: brandingOf(env),
      ...(env.TENANT_PUBLIC_URL ? { publicUrl: env.TENANT_PUBLIC_URL } : {}),
    };
    state.ispOpsDeps.set(cacheKey, found);
    if (entitlements) followPlatformInvitations(found, entitlements);
    // Started by the first request (in a pod, the first readiness probe).
    void nasReporter?.start().catch((error) => console.error("NAS network reporter did not start", error));
  }
  return found;
}
