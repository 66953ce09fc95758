import { sessionCookie } from "@dotmac/http/session-cookie";
import { createPlatformDb, migratePlatformDb } from "@dotmac/platform-db";
import { serve } from "@hono/node-server";
import pino from "pino";
import { createApp } from "./app.ts";
import { SESSION_COOKIE } from "./auth/principal.ts";
import { createAdmin } from "./bootstrap.ts";
import { Engine } from "./engine/engine.ts";
import type { RunRequest, RunResult, StackSettings } from "./engine/stack-runner.ts";
import { type ApiEnv, apiEnv } from "./env.ts";
import { createMetrics } from "./lib/metrics.ts";

export interface RunningApi {
  readonly url: string;
  readonly engine: Engine;
  stop(): Promise<void>;
}

export function stackSettings(env: ApiEnv): StackSettings {
  return {
    workspacesDir: env.DOTMAC_WORKSPACES_DIR,
    program: env.DOTMAC_PROGRAM,
    policyPack: env.DOTMAC_POLICY_PACK,
    backendUrl: env.PULUMI_BACKEND_URL,
    passphrase: env.PULUMI_CONFIG_PASSPHRASE,
    secretsProvider: env.DOTMAC_SECRETS_PROVIDER,
    tenantPostgresUrl: env.DOTMAC_TENANT_POSTGRES_URL,
    tenantPostgresAppHost: env.DOTMAC_TENANT_POSTGRES_APP_HOST,
    radiusServiceType: env.DOTMAC_RADIUS_SERVICE_TYPE,
    placement: env.DOTMAC_PLACEMENT,
    sizing: env.DOTMAC_SIZING,
    platformApiUrl: env.DOTMAC_PLATFORM_API_URL,
    tenantUrl: env.DOTMAC_TENANT_URL,
    ...(env.DOTMAC_TENANT_SMTP_URL
      ? {
          tenantMail: {
            smtpUrl: env.DOTMAC_TENANT_SMTP_URL,
            smtpPort: env.DOTMAC_TENANT_SMTP_PORT,
            from: env.DOTMAC_TENANT_MAIL_FROM,
          },
        }
      : {}),
    ...(env.DOTMAC_TENANT_STRIPE_SECRET_KEY && env.DOTMAC_TENANT_STRIPE_WEBHOOK_SECRET
      ? {
          tenantStripe: {
            secretKey: env.DOTMAC_TENANT_STRIPE_SECRET_KEY,
            webhookSecret: env.DOTMAC_TENANT_STRIPE_WEBHOOK_SECRET,
            apiUrl: env.DOTMAC_TENANT_STRIPE_API_URL,
          },
        }
      : {}),
  };
}

/** Migrates, bootstraps the first admin if asked, starts the queue's workers, and serves HTTP. */
export async function startApi(
  env: ApiEnv = apiEnv(),
  opts: { runner?: (s: StackSettings, r: RunRequest) => Promise<RunResult> } = {},
): Promise<RunningApi> {
  const log = pino({
    level: env.LOG_LEVEL,
    redact: {
      paths: [
        "password",
        "token",
        "*.password",
        "*.token",
        "req.headers.authorization",
        "req.headers.cookie",
      ],
      censor: "•••",
    },
  });
  await migratePlatformDb(env.DATABASE_URL);
  const { db, close } = createPlatformDb(env.DATABASE_URL, { max: 20 });
  const email = env.DOTMAC_BOOTSTRAP_ADMIN_EMAIL;
  const password = env.DOTMAC_BOOTSTRAP_ADMIN_PASSWORD;
  if (email && password) {
    const { created } = await createAdmin(db, email, password, { onlyIfNoUsers: true });
    if (created) log.info({ email }, "first platform admin created");
  }
  const metrics = createMetrics();
  let ready = false;
  const engine = new Engine({
    db,
    databaseUrl: env.DATABASE_URL,
    settings: stackSettings(env),
    concurrency: env.DOTMAC_API_CONCURRENCY,
    maxAttempts: env.DOTMAC_MAX_ATTEMPTS,
    leaseSeconds: env.DOTMAC_LEASE_SECONDS,
    deadlines: env.DOTMAC_OPERATION_DEADLINES,
    shutdownGraceSeconds: env.DOTMAC_SHUTDOWN_GRACE_SECONDS,
    log,
    ...(opts.runner ? { runner: opts.runner } : {}),
    onFinished: (op, outcome) => metrics.operations.inc({ kind: op.kind, outcome }),
  });
  const app = createApp({
    db,
    engine,
    log,
    metrics: metrics.registry,
    httpMetrics: metrics.httpDuration,
    sessionCookie: sessionCookie(SESSION_COOKIE, env.DOTMAC_PLAIN_HTTP),
    ready: () => ready,
  });
  await engine.start();
  ready = true;
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: env.HOST, port: env.PORT }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : env.PORT;
  const url = `http://${env.HOST}:${port}`;
  log.info({ url, concurrency: env.DOTMAC_API_CONCURRENCY }, "automation API listening");
  return {
    url,
    engine,
    stop: async () => {
      ready = false;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // SSE streams hold connections open; close them rather than wait for clients.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await engine.stop();
      await close();
    },
  };
}
