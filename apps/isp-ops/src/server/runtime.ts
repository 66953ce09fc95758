import { slugFromLocalHost } from "@dotmac/contracts";
import type { IspOpsTenantEnv } from "@dotmac/contracts/app-env";
import { SecretBox } from "@dotmac/crypto/secret-box";
import { createTenantDb } from "@dotmac/tenant-db";
import { headers } from "next/headers";
import { stripeGateway } from "./billing/gateway.ts";
import { type Branding, brandingOf } from "./branding.ts";
import type { IspOpsDeps } from "./deps.ts";
import { radiusDisconnector, radiusReauthorizer } from "./disconnector.ts";
import { hostEnv, ispOpsTenantEnv } from "./env.ts";
import { localTenants } from "./local-tenants.ts";
import { tenantMail } from "./mail.ts";
import { NasNetworkReporter } from "./nas-network-reporter.ts";

const parsed = new Map<string, { source: Record<string, string | undefined>; env: IspOpsTenantEnv }>();

/** Parsed once per source object: the process's own, or a local tenant's (re-read when its file changes). */
function parseTenantEnv(key: string, source: Readonly<Record<string, string | undefined>>): IspOpsTenantEnv {
  const found = parsed.get(key);
  if (found?.source === source) return found.env;
  const env = ispOpsTenantEnv(source);
  parsed.set(key, { source, env });
  return env;
}

/**
 * The environment of the tenant this request is for: the process's own (one deployment per
 * tenant, as the TenantStamp runs it), or locally the tenant named by the host.
 */
async function tenantEnv(): Promise<{ key: string; env: IspOpsTenantEnv }> {
  const file = hostEnv.ISP_OPS_TENANTS_FILE;
  if (!file) return { key: "", env: parseTenantEnv("", hostEnv) };
  const slug = slugFromLocalHost((await headers()).get("host"));
  const tenant = slug ? localTenants(file)[slug] : undefined;
  if (!slug || !tenant) throw new Error("no local tenant for this host name");
  return { key: slug, env: parseTenantEnv(slug, tenant.env) };
}

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
      ...(mail ? { mail } : {}),
      ...(gateway ? { gateway } : {}),
      brand: brandingOf(env),
      ...(env.TENANT_PUBLIC_URL ? { publicUrl: env.TENANT_PUBLIC_URL } : {}),
    };
    state.ispOpsDeps.set(cacheKey, found);
    // Started by the first request (in a pod, the first readiness probe).
    void nasReporter?.start().catch((error) => console.error("NAS network reporter did not start", error));
  }
  return found;
}
