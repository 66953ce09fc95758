import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { createTenantDb } from "@dotmac/tenant-db";
import { migrateTenantDb } from "@dotmac/tenant-db/migrate";
import next from "next";
import { bootstrapAdmin } from "./server/staff.ts";

const appDir = fileURLToPath(new URL("..", import.meta.url));

/**
 * `dotmac-isp-ops serve`: one tenant's isp-ops. Migrates the tenant database (under its advisory
 * lock, so replicas may start together), creates the first staff admin when asked to and none
 * exists, then serves the built Next.js app (`next build` first) on HOST:PORT.
 */
async function serve(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("set DATABASE_URL to the tenant's database");
  await migrateTenantDb(url);
  const email = process.env.ISP_OPS_BOOTSTRAP_ADMIN_EMAIL;
  const password = process.env.ISP_OPS_BOOTSTRAP_ADMIN_PASSWORD;
  if (email && password) {
    const { db, close } = createTenantDb(url, { max: 1 });
    await bootstrapAdmin(db, email, password);
    await close();
  }
  const host = process.env.HOST ?? "0.0.0.0";
  const port = Number(process.env.PORT ?? 3000);
  const app = next({ dev: process.env.NODE_ENV === "development", dir: appDir, hostname: host, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  process.stdout.write(`isp-ops for ${process.env.TENANT_SLUG ?? "local"} on http://${host}:${port}\n`);
  const stop = () => server.close(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (process.argv[2] !== "serve") {
  process.stdout.write(
    "dotmac-isp-ops serve   (DATABASE_URL, TENANT_SECRETS_KEY, TENANT_SLUG, HOST, PORT; see README)\n",
  );
  process.exit(process.argv[2] ? 2 : 0);
}
serve().catch((error: unknown) => {
  process.stderr.write(`dotmac-isp-ops: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
