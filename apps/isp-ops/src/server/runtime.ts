import { createTenantDb, SecretBox } from "@dotmac/tenant-db";
import { headers } from "next/headers";
import type { IspOpsDeps } from "./api.ts";
import { radiusDisconnector } from "./disconnector.ts";
import { localTenants, slugFromHost } from "./local-tenants.ts";

export interface Branding {
  readonly slug: string;
  readonly name: string;
  readonly logoUrl: string | null;
  readonly primaryColor: string;
}

/**
 * The environment of the tenant this request is for: the process's own (one deployment per
 * tenant, as the TenantStamp runs it), or locally the tenant named by the host.
 */
async function tenantEnv(): Promise<{ key: string; env: Record<string, string | undefined> }> {
  const file = process.env.ISP_OPS_TENANTS_FILE;
  if (!file) return { key: "", env: process.env };
  const slug = slugFromHost((await headers()).get("host"));
  const tenant = slug ? localTenants(file)[slug] : undefined;
  if (!slug || !tenant) throw new Error("no local tenant for this host name");
  return { key: slug, env: tenant.env };
}

export async function branding(): Promise<Branding> {
  const { env } = await tenantEnv();
  const slug = env.TENANT_SLUG ?? "local";
  return {
    slug,
    name: env.NEXT_PUBLIC_TENANT_NAME || slug,
    logoUrl: env.NEXT_PUBLIC_TENANT_LOGO_URL || null,
    primaryColor: /^#[0-9a-fA-F]{6}$/.test(env.NEXT_PUBLIC_PRIMARY_COLOR ?? "")
      ? (env.NEXT_PUBLIC_PRIMARY_COLOR as string)
      : "#0057b8",
  };
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
  if (!url) throw new Error("set DATABASE_URL to the tenant's database");
  state.ispOpsDeps ??= new Map();
  const cacheKey = `${key}|${url}`;
  let found = state.ispOpsDeps.get(cacheKey);
  if (!found) {
    const box = SecretBox.fromEnv(env.TENANT_SECRETS_KEY);
    const { db } = createTenantDb(url, { max: Number(env.DATABASE_POOL_SIZE ?? 10) });
    const control = env.RADIUS_CONTROL_URL;
    found = { db, box, ...(control ? { disconnect: radiusDisconnector(control, box) } : {}) };
    state.ispOpsDeps.set(cacheKey, found);
  }
  return found;
}
