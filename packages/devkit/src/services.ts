import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { StackPlacement } from "@dotmac/contracts";
import { hostEnv, repoRoot } from "./env.ts";
import { freePort, isFree } from "./ports.ts";
import { ensureDatabase } from "./postgres/databases.ts";
import { type Service, startService, waitFor } from "./process.ts";

/** A secret generated on first use and kept (mode 0600) in the state dir. */
export async function localSecret(file: string, bytes = 18): Promise<string> {
  await mkdir(join(file, ".."), { recursive: true });
  if (!existsSync(file))
    await writeFile(file, `${randomBytes(bytes).toString("base64url")}\n`, { mode: 0o600 });
  return (await readFile(file, "utf8")).trim();
}

/** A local tenant's first isp-ops admin (`npm start` only): the e-mail, and the file keeping its password. */
export function localTenantAdmin(stateDir: string, slug: string): { email: string; passwordFile: string } {
  return {
    email: `admin@${slug}.localhost`,
    passwordFile: join(stateDir, "isp-ops", `${slug}-admin-password`),
  };
}

export interface LocalAutomationApi {
  readonly url: string;
  readonly adminEmail: string;
  readonly adminPasswordFile: string;
  readonly logFile: string;
  readonly service: Service;
}

/**
 * Runs the automation API as a child process (devkit starts it by path; it never imports an app):
 * its database on the local server, its stacks on the local backend, the first admin's password
 * generated once and kept in the state dir.
 */
export async function startLocalAutomationApi(opts: {
  stateDir: string;
  postgresUrl: string;
  pulumiEnv: NodeJS.ProcessEnv;
  backendUrl: string;
  passphrase: string;
  port?: number;
  /**
   * Tenants whose pods run on the real node: where those pods reach Postgres and this API, and
   * the cluster's placement; a compact sizing so a tenant fits beside the control plane.
   */
  tenantPods?: { postgresAppHost: string; placement: StackPlacement; platformApiUrl: string };
  /** Tenants' address ({slug} for each one's slug): the local front door. */
  tenantUrl?: string;
  /** The SMTP relay tenants mail through (Mailpit), as their isp-ops reach it. */
  tenantSmtpUrl?: string;
  /** The Stripe account tenants take card payments through (stripe-mock), its API as their isp-ops reach it. */
  tenantStripe?: { secretKey: string; webhookSecret: string; apiUrl: string };
}): Promise<LocalAutomationApi> {
  const dir = join(opts.stateDir, "automation-api");
  await mkdir(join(dir, "workspaces"), { recursive: true });
  const databaseUrl = await ensureDatabase(opts.postgresUrl, "dotmac_platform");
  const adminEmail = "admin@dotmac.localhost";
  const adminPasswordFile = join(dir, "admin-password");
  const adminPassword = await localSecret(adminPasswordFile);
  const port = opts.port ?? ((await isFree(8080)) ? 8080 : await freePort());
  const logFile = join(dir, "automation-api.log");
  const service = startService(
    "automation-api",
    process.execPath,
    [join(repoRoot, "apps/automation-api/bin/dotmac-api.js"), "serve"],
    {
      logFile,
      env: {
        ...opts.pulumiEnv,
        DATABASE_URL: databaseUrl,
        HOST: "127.0.0.1",
        PORT: String(port),
        DOTMAC_WORKSPACES_DIR: join(dir, "workspaces"),
        PULUMI_BACKEND_URL: opts.backendUrl,
        PULUMI_CONFIG_PASSPHRASE: opts.passphrase,
        DOTMAC_TENANT_POSTGRES_URL: opts.postgresUrl,
        DOTMAC_RADIUS_SERVICE_TYPE: "ClusterIP",
        // Tenants' isp-ops report their NAS networks to it.
        DOTMAC_PLATFORM_API_URL: opts.tenantPods?.platformApiUrl ?? `http://127.0.0.1:${port}`,
        ...(opts.tenantPods
          ? {
              DOTMAC_TENANT_POSTGRES_APP_HOST: opts.tenantPods.postgresAppHost,
              DOTMAC_PLACEMENT: JSON.stringify(opts.tenantPods.placement),
              DOTMAC_SIZING: "compact",
            }
          : {}),
        ...(opts.tenantUrl ? { DOTMAC_TENANT_URL: opts.tenantUrl } : {}),
        ...(opts.tenantSmtpUrl ? { DOTMAC_TENANT_SMTP_URL: opts.tenantSmtpUrl } : {}),
        ...(opts.tenantStripe
          ? {
              DOTMAC_TENANT_STRIPE_SECRET_KEY: opts.tenantStripe.secretKey,
              DOTMAC_TENANT_STRIPE_WEBHOOK_SECRET: opts.tenantStripe.webhookSecret,
              DOTMAC_TENANT_STRIPE_API_URL: opts.tenantStripe.apiUrl,
            }
          : {}),
        DOTMAC_BOOTSTRAP_ADMIN_EMAIL: adminEmail,
        DOTMAC_BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
      },
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `the automation API on ${url} (log: ${logFile})`,
    async () => {
      const res = await fetch(`${url}/readyz`).catch(() => undefined);
      return res?.ok ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  return { url, adminEmail, adminPasswordFile, logFile, service };
}

/**
 * The platform admin app in development mode (compiled on first visit), in front of the local
 * automation API; devkit starts it by path like every app.
 */
export async function startLocalPlatformAdmin(opts: {
  stateDir: string;
  automationApiUrl: string;
  port?: number;
}): Promise<{ url: string; logFile: string; service: Service }> {
  const dir = join(opts.stateDir, "platform-admin");
  await mkdir(dir, { recursive: true });
  const port = opts.port ?? ((await isFree(3001)) ? 3001 : await freePort());
  const logFile = join(dir, "platform-admin.log");
  const service = startService(
    "platform-admin",
    process.execPath,
    [join(repoRoot, "apps/platform-admin/bin/dotmac-admin.js"), "serve"],
    {
      logFile,
      cwd: join(repoRoot, "apps/platform-admin"),
      env: {
        ...hostEnv,
        NODE_ENV: "development",
        NEXT_TELEMETRY_DISABLED: "1",
        AUTOMATION_API_URL: opts.automationApiUrl,
        HOST: "127.0.0.1",
        PORT: String(port),
      },
    },
  );
  const url = `http://localhost:${port}`;
  await waitFor(
    `the platform admin app on ${url} (log: ${logFile})`,
    async () => ((await fetch(`http://127.0.0.1:${port}/login`).catch(() => undefined)) ? true : undefined),
    { timeoutMs: 120_000, intervalMs: 250 },
  );
  return { url, logFile, service };
}
