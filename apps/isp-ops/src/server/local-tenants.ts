import { readFileSync, statSync } from "node:fs";

/**
 * Local development only (`npm start`): one isp-ops process serves every tenant onboarded on the
 * local platform, chosen by host name (`<slug>.localhost`). devkit writes the file from each
 * tenant's isp-ops Deployment (its environment, Secrets read) and a generated first admin.
 */
export interface LocalTenant {
  readonly slug: string;
  readonly env: Record<string, string>;
  readonly admin: { readonly email: string; readonly password: string };
}

let cache: { file: string; mtimeMs: number; tenants: Record<string, LocalTenant> } | undefined;

export function localTenants(file: string): Record<string, LocalTenant> {
  let mtimeMs = 0;
  try {
    mtimeMs = statSync(file).mtimeMs;
  } catch {
    return {};
  }
  if (cache?.file !== file || cache.mtimeMs !== mtimeMs) {
    cache = { file, mtimeMs, tenants: JSON.parse(readFileSync(file, "utf8")) as Record<string, LocalTenant> };
  }
  return cache.tenants;
}
