import { slugFromLocalHost } from "@dotmac/contracts";
import type { IspOpsTenantEnv } from "@dotmac/contracts/app-env";
import { brandingOf } from "./branding.ts";
import { PlatformEntitlements } from "./entitlements.ts";
import { hostEnv, ispOpsTenantEnv } from "./env.ts";
import { localTenants } from "./local-tenants.ts";

// Nothing here opens a database or loads the API: the proxy (src/proxy.ts) imports it.

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
 * The environment of the tenant a request is for: the process's own (one deployment per tenant,
 * as the TenantStamp runs it), or locally the tenant named by the host.
 */
export function tenantEnvOf(host: string | null): { key: string; env: IspOpsTenantEnv } {
  const file = hostEnv.ISP_OPS_TENANTS_FILE;
  if (!file) return { key: "", env: parseTenantEnv("", hostEnv) };
  const slug = slugFromLocalHost(host);
  const tenant = slug ? localTenants(file)[slug] : undefined;
  if (!slug || !tenant) throw new Error("no local tenant for this host name");
  return { key: slug, env: parseTenantEnv(slug, tenant.env) };
}

/**
 * Each tenant's entitlements poller, on globalThis: the proxy's bundle and the app's find the same
 * one, and so do Next's module reloads in development.
 */
const state = globalThis as unknown as { ispOpsEntitlements?: Map<string, PlatformEntitlements | undefined> };

/** The tenant's entitlements poller, started on first use; none without a platform API to ask. */
export function entitlementsOf(key: string, env: IspOpsTenantEnv): PlatformEntitlements | undefined {
  state.ispOpsEntitlements ??= new Map();
  const cacheKey = `${key}|${env.PLATFORM_API_URL}`;
  if (state.ispOpsEntitlements.has(cacheKey)) return state.ispOpsEntitlements.get(cacheKey);
  const entitlements =
    env.PLATFORM_API_URL && env.PLATFORM_API_TOKEN
      ? new PlatformEntitlements({
          url: env.PLATFORM_API_URL,
          token: env.PLATFORM_API_TOKEN,
          slug: env.TENANT_SLUG,
        })
      : undefined;
  state.ispOpsEntitlements.set(cacheKey, entitlements);
  void entitlements?.start();
  return entitlements;
}

/** What the proxy asks before a portal request runs: the tenant's entitlements and brand, by host. */
export function tenantGate(host: string | null) {
  const { key, env } = tenantEnvOf(host);
  return { entitlements: entitlementsOf(key, env), brand: brandingOf(env) };
}
