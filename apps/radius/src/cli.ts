import { errorMessage } from "@dotmac/contracts";
import { SecretBox } from "@dotmac/crypto/secret-box";
import { onStopSignal } from "@dotmac/http/drain";
import { createTenantDb } from "@dotmac/tenant-db";
import { migrateTenantDb } from "@dotmac/tenant-db/migrate";
import pino from "pino";
import { radiusEnv } from "./env.ts";
import { NasRegistry } from "./nas.ts";
import { startRadius } from "./server.ts";

/** `dotmac-radius serve`: one tenant's RADIUS server, configured from the environment. */
async function main(): Promise<void> {
  const env = radiusEnv();
  const root = pino({ level: env.LOG_LEVEL, redact: ["password", "*.password", "secret", "*.secret"] });
  const log = env.TENANT_SLUG ? root.child({ tenant: env.TENANT_SLUG }) : root;
  await migrateTenantDb(env.DATABASE_URL);
  const { db, close } = createTenantDb(env.DATABASE_URL, { max: env.DATABASE_POOL_SIZE });
  const box = SecretBox.fromEnv(env.TENANT_SECRETS_KEY, env.TENANT_SECRETS_PREVIOUS_KEYS);
  const nas = new NasRegistry(db, box, (names) =>
    log.error(
      { nas: names },
      "no key of the ring opens these NAS clients' secrets: their packets are dropped",
    ),
  );
  const server = await startRadius({
    db,
    box,
    nas,
    log,
    host: env.RADIUS_HOST,
    authPort: env.RADIUS_AUTH_PORT,
    acctPort: env.RADIUS_ACCT_PORT,
    metricsPort: env.RADIUS_METRICS_PORT,
    controlPort: env.RADIUS_CONTROL_PORT,
    maxInFlight: env.RADIUS_MAX_IN_FLIGHT,
    replyReasons: env.RADIUS_REPLY_REASONS,
  });
  log.info(
    {
      auth: server.authPort,
      acct: server.acctPort,
      metrics: server.metricsPort,
      control: server.controlPort,
      host: env.RADIUS_HOST,
    },
    "RADIUS listening",
  );
  onStopSignal(async () => {
    await server.stop();
    await close();
    process.exit(0);
  });
}

if (process.argv[2] !== "serve") {
  process.stdout.write(
    "dotmac-radius serve   (DATABASE_URL, TENANT_SECRETS_KEY, RADIUS_* ports; see README)\n",
  );
  process.exit(process.argv[2] ? 2 : 0);
}
main().catch((error: unknown) => {
  process.stderr.write(`dotmac-radius: ${errorMessage(error)}\n`);
  process.exit(1);
});
