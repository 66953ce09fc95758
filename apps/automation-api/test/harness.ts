import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PlatformPermission } from "@dotmac/contracts";
import { hashPassword } from "@dotmac/crypto/passwords";
import { hashSecret, newSecret } from "@dotmac/crypto/secrets";
import {
  createThrowawayDatabase,
  type PostgresServer,
  startPostgres,
  type ThrowawayDatabase,
} from "@dotmac/devkit";
import { waitFor } from "@dotmac/devkit/testing";
import { sessionCookie } from "@dotmac/http/session-cookie";
import {
  apiTokens,
  createPlatformDb,
  migratePlatformDb,
  operationEvents,
  operations,
  type PlatformDb,
  platformUsers,
} from "@dotmac/platform-db";
import { asc, eq, sql } from "drizzle-orm";
import pino from "pino";
import { createApp } from "../src/app.ts";
import { SESSION_COOKIE } from "../src/auth/principal.ts";
import { Engine, type EngineOptions } from "../src/engine/engine.ts";
import type { StackSettings } from "../src/engine/stack-runner.ts";
import { createMetrics } from "../src/lib/metrics.ts";

/** A migrated platform database on a real embedded Postgres, for one test file. */
export interface TestDb {
  readonly url: string;
  readonly db: PlatformDb;
  /** The server, for tests that need more databases (tenant databases, a second replica's). */
  readonly server: PostgresServer;
  stop(): Promise<void>;
}

export async function startTestDb(): Promise<TestDb> {
  const dir = await mkdtemp(join(tmpdir(), "dotmac-pg-"));
  const server = await startPostgres({ dir, ephemeral: true });
  const database: ThrowawayDatabase = await createThrowawayDatabase(server.url, "platform");
  await migratePlatformDb(database.url);
  const { db, close } = createPlatformDb(database.url, { max: 10 });
  return {
    url: database.url,
    db,
    server,
    stop: async () => {
      await close();
      await database.drop();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A user with exactly these permissions, and a token carrying them (or the scopes given). */
export async function userWith(
  db: PlatformDb,
  permissions: readonly PlatformPermission[],
  opts: { scopes?: readonly PlatformPermission[]; expired?: boolean; password?: string } = {},
) {
  const email = `u-${crypto.randomUUID().slice(0, 8)}@example.test`;
  const password = opts.password ?? "correct horse battery staple";
  const [user] = await db
    .insert(platformUsers)
    .values({
      email,
      displayName: email,
      passwordHash: await hashPassword(password),
      permissions: [...permissions],
    })
    .returning();
  if (!user) throw new Error("no user");
  const token = newSecret("dmp");
  await db.insert(apiTokens).values({
    name: "test",
    prefix: token.slice(0, 10),
    tokenHash: hashSecret(token),
    scopes: [...(opts.scopes ?? permissions)],
    createdBy: user.id,
    expiresAt: opts.expired ? sql`now() - interval '1 minute'` : sql`now() + interval '1 day'`,
  });
  return { user, email, password, token, auth: { authorization: `Bearer ${token}` } };
}

/** The HTTP app over a real database; the queue is only recorded (no stacks run in these tests). */
export function testApp(db: PlatformDb) {
  const kicked: string[] = [];
  const interrupted: string[] = [];
  const metrics = createMetrics();
  const app = createApp({
    db,
    engine: {
      kick: async (id) => {
        kicked.push(id);
      },
      interrupt: (id) => {
        interrupted.push(id);
      },
    },
    log: pino({ level: process.env.TEST_LOG ?? "silent" }),
    metrics: metrics.registry,
    httpMetrics: metrics.httpDuration,
    sessionCookie: sessionCookie(SESSION_COOKIE),
    ready: () => true,
  });
  return { app, kicked, interrupted };
}

export const jsonHeaders = (extra: Record<string, string> = {}) => ({
  "content-type": "application/json",
  ...extra,
});

/** An engine on the test database whose runner stands in for Pulumi; `opts` as a test needs. */
export function testEngine(
  t: TestDb,
  runner: NonNullable<EngineOptions["runner"]>,
  opts: Partial<EngineOptions> = {},
): Engine {
  return new Engine({
    db: t.db,
    databaseUrl: t.url,
    settings: {} as StackSettings,
    concurrency: 2,
    maxAttempts: 3,
    leaseSeconds: 5,
    log: pino({ level: process.env.TEST_LOG ?? "silent" }),
    runner,
    ...opts,
  });
}

/** Onboardings asked through the HTTP surface, and their operations read back as the engine runs them. */
export function operationsOf(db: PlatformDb) {
  const row = async (id: string) => (await db.select().from(operations).where(eq(operations.id, id)))[0];
  return {
    row,
    onboard: async (slug: string) => {
      const { app } = testApp(db);
      const admin = await userWith(db, ["platform:admin"]);
      const res = await app.request("/api/platform/v1/tenants", {
        method: "POST",
        headers: jsonHeaders(admin.auth),
        body: JSON.stringify({ slug, displayName: slug, plan: "starter", seats: 2 }),
      });
      if (res.status !== 202) throw new Error(`onboarding ${slug}: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { operationId: string }).operationId;
    },
    ended: (id: string, timeoutMs = 30_000) =>
      waitFor(
        `operation ${id} to end`,
        async () => {
          const r = await row(id);
          return r && ["succeeded", "failed", "cancelled"].includes(r.status) ? r : undefined;
        },
        { timeoutMs, intervalMs: 50 },
      ),
    messages: async (id: string) =>
      (
        await db
          .select()
          .from(operationEvents)
          .where(eq(operationEvents.operationId, id))
          .orderBy(asc(operationEvents.seq))
      ).map((e) => (e.payload as { message?: string }).message ?? ""),
  };
}
