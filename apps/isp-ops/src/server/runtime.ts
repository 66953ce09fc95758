import { createTenantDb, SecretBox, type TenantDb } from "@dotmac/tenant-db";
import type { IspOpsDeps } from "./api.ts";
import { radiusDisconnector } from "./disconnector.ts";

export interface Branding {
  readonly slug: string;
  readonly name: string;
  readonly logoUrl: string | null;
  readonly primaryColor: string;
}

/** The tenant this deployment serves, from the environment the TenantStamp sets (read at run time). */
export function branding(): Branding {
  const slug = process.env.TENANT_SLUG ?? "local";
  return {
    slug,
    name: process.env.NEXT_PUBLIC_TENANT_NAME || slug,
    logoUrl: process.env.NEXT_PUBLIC_TENANT_LOGO_URL || null,
    primaryColor: /^#[0-9a-fA-F]{6}$/.test(process.env.NEXT_PUBLIC_PRIMARY_COLOR ?? "")
      ? (process.env.NEXT_PUBLIC_PRIMARY_COLOR as string)
      : "#0057b8",
  };
}

// One pool per process, kept across Next's module reloads in development.
const state = globalThis as unknown as { ispOpsDeps?: IspOpsDeps & { db: TenantDb } };

/**
 * The tenant database and the secrets key. The schema is migrated before Next starts
 * (`dotmac-isp-ops serve`, src/cli.ts), not here: bundled code cannot find the migration files.
 */
export async function deps(): Promise<IspOpsDeps> {
  if (!state.ispOpsDeps) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("set DATABASE_URL to the tenant's database");
    const box = SecretBox.fromEnv(process.env.TENANT_SECRETS_KEY);
    const { db } = createTenantDb(url, { max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
    const control = process.env.RADIUS_CONTROL_URL;
    state.ispOpsDeps = { db, box, ...(control ? { disconnect: radiusDisconnector(control, box) } : {}) };
  }
  return state.ispOpsDeps;
}
