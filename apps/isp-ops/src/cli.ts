import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { BILLING_RUN_POOL, BillingRunRequest, errorMessage, slugFromLocalHost } from "@dotmac/contracts";
import { SecretBox } from "@dotmac/crypto/secret-box";
import { drainOnSignal } from "@dotmac/http/drain";
import { adoptStandaloneNextConfig } from "@dotmac/http/next-standalone";
import { createTenantDb, subscribers } from "@dotmac/tenant-db";
import { migrateTenantDb } from "@dotmac/tenant-db/migrate";
import { count } from "drizzle-orm";
import next from "next";
import { deliverInvoices } from "./server/billing/deliveries.ts";
import { runDunning } from "./server/billing/dunning.ts";
import { runBilling } from "./server/billing/runs.ts";
import { radiusDisconnector, radiusReauthorizer } from "./server/disconnector.ts";
import { ispOpsProcessEnv, ispOpsTenantEnv } from "./server/env.ts";
import { localTenants } from "./server/local-tenants.ts";
import { tenantMail } from "./server/mail.ts";
import { createIspOpsMetrics } from "./server/metrics.ts";
import { resealSecrets } from "./server/reseal.ts";
import { bootstrapAdmin } from "./server/staff.ts";

// src/cli.ts in the repository, dist/server.mjs in the image: both one level under the app.
const appDir = fileURLToPath(new URL("..", import.meta.url));

/**
 * `dotmac-isp-ops serve`: one tenant's isp-ops. Migrates the tenant database (under its advisory
 * lock, so replicas may start together), creates the bootstrap staff admin when asked to and none
 * exists, then serves the built Next.js app (`next build` first) on HOST:PORT. With
 * ISP_OPS_TENANTS_FILE (local development) it serves every tenant in that file by host name.
 */
async function serve(): Promise<void> {
  const env = ispOpsProcessEnv();
  const tenantsFile = env.ISP_OPS_TENANTS_FILE;
  // One tenant's process counts its subscribers at each scrape (a pool of one, apart from the app's).
  let counts: (() => Promise<Record<string, number>>) | undefined;
  // One deployment per tenant reads the tenant from its own environment; locally, from the file.
  const tenant = tenantsFile ? undefined : ispOpsTenantEnv();
  if (tenant) {
    await prepare(
      tenant.DATABASE_URL,
      env.ISP_OPS_BOOTSTRAP_ADMIN_EMAIL,
      env.ISP_OPS_BOOTSTRAP_ADMIN_PASSWORD,
    );
    const { db } = createTenantDb(tenant.DATABASE_URL, { max: 1 });
    // After a key rotation: re-seal in the background, so the old key can leave the ring.
    if (tenant.TENANT_SECRETS_PREVIOUS_KEYS) {
      const box = SecretBox.fromEnv(tenant.TENANT_SECRETS_KEY, tenant.TENANT_SECRETS_PREVIOUS_KEYS);
      resealSecrets(db, box).then(
        (report) => process.stdout.write(`secrets re-sealed: ${JSON.stringify(report)}\n`),
        (error: unknown) => process.stderr.write(`re-sealing secrets failed: ${(error as Error).message}\n`),
      );
    }
    counts = async () =>
      Object.fromEntries(
        (
          await db
            .select({ status: subscribers.status, n: count() })
            .from(subscribers)
            .groupBy(subscribers.status)
        ).map((r) => [r.status, r.n]),
      );
  }
  const metrics = createIspOpsMetrics(counts ? { subscriberCounts: counts } : {});
  adoptStandaloneNextConfig(appDir);
  const { HOST: host, PORT: port } = env;
  const app = next({ dev: env.NODE_ENV === "development", dir: appDir, hostname: host, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createServer(async (req, res) => {
    metrics.observe(req, res);
    if (tenantsFile) {
      // Local development: the host names the tenant; its database is readied on first use.
      const slug = slugFromLocalHost(req.headers.host);
      const tenant = slug ? localTenants(tenantsFile)[slug] : undefined;
      if (!tenant) {
        res.statusCode = 404;
        res.setHeader("content-type", "text/plain; charset=utf-8");
        const known = Object.keys(localTenants(tenantsFile));
        res.end(
          `No tenant here. Open http://<slug>.localhost:${port}/ for one of: ${known.join(", ") || "(none yet: onboard one)"}\n`,
        );
        return;
      }
      try {
        await prepare(tenant.env.DATABASE_URL ?? "", tenant.admin.email, tenant.admin.password);
      } catch (error) {
        res.statusCode = 503;
        res.end(`tenant ${tenant.slug} is not ready: ${(error as Error).message}\n`);
        return;
      }
    }
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const metricsServer = createServer((req, res) => {
    if (req.url === "/metrics") {
      metrics.serve(res).catch(() => {
        res.statusCode = 500;
        res.end();
      });
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => metricsServer.listen(env.ISP_OPS_METRICS_PORT, host, resolve));
  process.stdout.write(
    `isp-ops ${tenantsFile ? "for every local tenant (http://<slug>.localhost)" : `for ${tenant?.TENANT_SLUG ?? "local"}`} on http://${host}:${port}\n`,
  );
  drainOnSignal(server, async () => {
    metricsServer.close();
    await app.close();
  });
}

const prepared = new Map<string, Promise<void>>();

/** Migrates a tenant database (under its lock) and creates its first admin when asked; once per process. */
function prepare(url: string, email: string | undefined, password: string | undefined): Promise<void> {
  let ready = prepared.get(url);
  if (!ready) {
    ready = (async () => {
      await migrateTenantDb(url);
      if (email && password) {
        const { db, close } = createTenantDb(url, { max: 1 });
        try {
          await bootstrapAdmin(db, email, password);
        } finally {
          await close();
        }
      }
    })();
    ready.catch(() => prepared.delete(url));
    prepared.set(url, ready);
  }
  return ready;
}

/**
 * `dotmac-isp-ops bootstrap-admin`: migrates DATABASE_URL's tenant database and creates the first
 * staff admin (ISP_OPS_BOOTSTRAP_ADMIN_*) unless that e-mail is staff already; the local platform runs it for
 * tenants whose isp-ops are pods, so no password goes into a Deployment or the stack's state.
 */
async function bootstrap(): Promise<void> {
  const env = ispOpsProcessEnv();
  const { DATABASE_URL } = ispOpsTenantEnv();
  if (!env.ISP_OPS_BOOTSTRAP_ADMIN_EMAIL || !env.ISP_OPS_BOOTSTRAP_ADMIN_PASSWORD)
    throw new Error("set ISP_OPS_BOOTSTRAP_ADMIN_EMAIL and ISP_OPS_BOOTSTRAP_ADMIN_PASSWORD");
  await prepare(DATABASE_URL, env.ISP_OPS_BOOTSTRAP_ADMIN_EMAIL, env.ISP_OPS_BOOTSTRAP_ADMIN_PASSWORD);
}

/**
 * `dotmac-isp-ops billing-run [YYYY-MM-DD]`: invoices every period that has started by that day
 * (today by default) and marks what is past due overdue, then takes the dunning steps due (through
 * RADIUS_CONTROL_URL, when set, for live sessions), then exits; what a schedule runs. Safe to kill
 * at any moment and to run again (each invoice is whole, numbered without gaps, once; each dunning
 * step once per invoice).
 */
async function billingRun(): Promise<void> {
  const env = ispOpsTenantEnv();
  const { DATABASE_URL, TENANT_SECRETS_KEY, RADIUS_CONTROL_URL } = env;
  const asOf = BillingRunRequest.parse({ asOf: process.argv[3] }).asOf;
  await migrateTenantDb(DATABASE_URL);
  const { db, close } = createTenantDb(DATABASE_URL, { max: BILLING_RUN_POOL });
  const box = SecretBox.fromEnv(TENANT_SECRETS_KEY, env.TENANT_SECRETS_PREVIOUS_KEYS);
  const mail = tenantMail(env);
  const net = RADIUS_CONTROL_URL
    ? {
        disconnect: radiusDisconnector(RADIUS_CONTROL_URL, box),
        reauthorize: radiusReauthorizer(RADIUS_CONTROL_URL, box),
      }
    : {};
  try {
    const billing = await runBilling(db, "system", asOf);
    const mailed = await deliverInvoices(db, mail);
    const dunning = await runDunning(db, { ...net, mail }, "system", asOf);
    process.stdout.write(`${JSON.stringify({ ...billing, mailed, dunning })}\n`);
  } finally {
    await close();
  }
}

/**
 * `dotmac-isp-ops reseal`: after a key rotation (TENANT_SECRETS_KEY the new key,
 * TENANT_SECRETS_PREVIOUS_KEYS the old ones), seals every RADIUS password and NAS secret with the
 * new key and prints what it did; exits 1 while any row is one no key of the ring opens. Once it
 * has run clean, the old keys can leave the ring.
 */
async function reseal(): Promise<void> {
  const env = ispOpsTenantEnv();
  await migrateTenantDb(env.DATABASE_URL);
  const { db, close } = createTenantDb(env.DATABASE_URL, { max: 1 });
  try {
    const report = await resealSecrets(
      db,
      SecretBox.fromEnv(env.TENANT_SECRETS_KEY, env.TENANT_SECRETS_PREVIOUS_KEYS),
    );
    process.stdout.write(`${JSON.stringify(report)}\n`);
    const unreadable = report.unreadable.radiusPasswords.length + report.unreadable.nasSecrets.length;
    if (unreadable > 0)
      throw new Error(`${unreadable} sealed secrets no key of the ring opens (listed above)`);
  } finally {
    await close();
  }
}

const commands: Record<string, () => Promise<void>> = {
  serve,
  "bootstrap-admin": bootstrap,
  "billing-run": billingRun,
  reseal,
};
const command = commands[process.argv[2] ?? ""];
if (!command) {
  process.stdout.write(
    [
      "dotmac-isp-ops serve             (DATABASE_URL, TENANT_SECRETS_KEY, TENANT_SLUG, HOST, PORT; see README)",
      "dotmac-isp-ops bootstrap-admin   (DATABASE_URL, TENANT_SECRETS_KEY, ISP_OPS_BOOTSTRAP_ADMIN_EMAIL/_PASSWORD)",
      "dotmac-isp-ops billing-run [day] (DATABASE_URL, TENANT_SECRETS_KEY, RADIUS_CONTROL_URL, SMTP_URL, MAIL_FROM): invoice, then dun",
      "dotmac-isp-ops reseal            (DATABASE_URL, TENANT_SECRETS_KEY, TENANT_SECRETS_PREVIOUS_KEYS): seal everything with the current key",
      "",
    ].join("\n"),
  );
  process.exit(process.argv[2] ? 2 : 0);
}
command().then(
  () => {
    if (command !== serve) process.exit(0);
  },
  (error: unknown) => {
    process.stderr.write(`dotmac-isp-ops: ${errorMessage(error)}\n`);
    process.exit(1);
  },
);
