import { readFileSync } from "node:fs";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createThrowawayDatabase,
  type PostgresServer,
  startPostgres,
  type ThrowawayDatabase,
} from "@dotmac/devkit";
import { violated } from "@dotmac/devkit/testing";
import { migrateUnderLock } from "@dotmac/postgres/migrate";
import { eq, sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlatformDb } from "../src/client.ts";
import { migratePlatformDb, migrationsFolder } from "../src/migrate.ts";
import { auditLogs, featureFlags, operations, tenants } from "../src/schema.ts";

describe("platform database migrations", () => {
  let dir: string;
  let server: PostgresServer;
  let database: ThrowawayDatabase;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dotmac-pg-"));
    server = await startPostgres({ dir, ephemeral: true });
    database = await createThrowawayDatabase(server.url, "platform");
  });
  afterAll(async () => {
    await database?.drop();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("migrates once even when several replicas start together", async () => {
    await Promise.all([
      migratePlatformDb(database.url),
      migratePlatformDb(database.url),
      migratePlatformDb(database.url),
    ]);
    const sql = postgres(database.url, { max: 1 });
    const tables = await sql<{ table_name: string }[]>`
      select table_name from information_schema.tables where table_schema = 'public' order by table_name`;
    const applied = await sql`select * from drizzle.__drizzle_migrations`;
    await sql.end();
    expect(tables.map((t) => t.table_name)).toEqual([
      "api_tokens",
      "audit_logs",
      "feature_flags",
      "licences",
      "operation_events",
      "operations",
      "platform_sessions",
      "platform_users",
      "tenant_credentials",
      "tenants",
    ]);
    // Each migration once, however many replicas raced to apply it.
    const journal = JSON.parse(readFileSync(join(migrationsFolder, "meta/_journal.json"), "utf8"));
    expect(applied).toHaveLength(journal.entries.length);
  });

  it("bounds every session of the pool: a statement and an open transaction cannot hold it for ever", async () => {
    const { db, close } = createPlatformDb(database.url, { max: 1 });
    const [row] = await db.execute<{ statement: string; idle: string }>(
      sql`select current_setting('statement_timeout') as statement,
                 current_setting('idle_in_transaction_session_timeout') as idle`,
    );
    await close();
    expect(row).toEqual({ statement: "30s", idle: "1min" });
  });

  it("enforces what the schema promises", async () => {
    const { db, close } = createPlatformDb(database.url, { max: 2 });
    try {
      const [acme] = await db
        .insert(tenants)
        .values({ slug: "acme", displayName: "Acme", plan: "starter", spec: { slug: "acme" } })
        .returning();
      if (!acme) throw new Error("no tenant");
      expect(acme.status).toBe("provisioning");

      // One live tenant per slug; a deleted one frees its slug.
      const again = { slug: "acme", displayName: "Again", plan: "starter", spec: {} } as const;
      expect(await violated(db.insert(tenants).values(again))).toBe("tenants_slug_live");
      await db.update(tenants).set({ status: "deleted" }).where(eq(tenants.id, acme.id));
      await db.insert(tenants).values(again);
      // A value outside the type, as a hand-written query could send it: the table refuses it.
      const lost = {
        slug: "zeta",
        displayName: "Z",
        plan: "starter",
        status: sql`'lost'`,
        spec: {},
      } as const;
      expect(await violated(db.insert(tenants).values(lost))).toBe("tenants_status_known");

      // At most one running operation per tenant.
      const running = {
        tenantId: acme.id,
        kind: "update",
        status: "running",
        requestedBy: "user:test",
      } as const;
      await db.insert(operations).values(running);
      expect(await violated(db.insert(operations).values(running))).toBe("operations_one_running");
      await db.insert(operations).values({ ...running, status: "queued" });

      // One global value per flag, one override per tenant.
      const flag = { key: "enableCustomerPortal", enabled: true };
      await db.insert(featureFlags).values(flag);
      expect(await violated(db.insert(featureFlags).values(flag))).toBe("feature_flags_key_tenant");
      await db.insert(featureFlags).values({ ...flag, tenantId: acme.id, enabled: false });

      // Audit rows are written once: no change, removal or truncation, even by the table's owner.
      const [entry] = await db
        .insert(auditLogs)
        .values({ actorType: "system", actorId: "test", action: "tenant.create", targetType: "tenant" })
        .returning();
      for (const change of [
        db
          .update(auditLogs)
          .set({ action: "tenant.nothing" })
          .where(eq(auditLogs.id, entry?.id ?? 0)),
        db.delete(auditLogs).where(eq(auditLogs.id, entry?.id ?? 0)),
        db.execute(sql`truncate audit_logs`),
      ]) {
        // Drizzle wraps the server's error: its cause is what Postgres said.
        const said = await change.then(
          () => "done",
          (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message),
        );
        expect(said).toMatch(/append-only/);
      }
      const [kept] = await db
        .select()
        .from(auditLogs)
        .where(eq(auditLogs.id, entry?.id ?? 0));
      expect(kept?.action).toBe("tenant.create");
    } finally {
      await close();
    }
  });

  it("takes the retired plan features out of stored specs, keeping the others", async () => {
    const old = await createThrowawayDatabase(server.url, "platform_old");
    const folder = join(dir, "until-0008");
    try {
      // The schema as it was before 0009, holding specs that name the retired features.
      await cp(migrationsFolder, folder, { recursive: true });
      const journal = JSON.parse(readFileSync(join(folder, "meta/_journal.json"), "utf8"));
      const before = journal.entries.findIndex((e: { tag: string }) => e.tag === "0009_retire_features");
      journal.entries = journal.entries.slice(0, before);
      await writeFile(join(folder, "meta/_journal.json"), JSON.stringify(journal));
      await migrateUnderLock(old.url, folder, 1);
      const features = ["radius", "smsNotifications", "customerPortal", "advancedAnalytics"];
      const { db, close } = createPlatformDb(old.url, { max: 1 });
      try {
        // In SQL: the schema in code has columns that 0008 does not.
        const jsonb = (body: object) => sql`${JSON.stringify(body)}::jsonb`;
        const [tenant] = await db.execute<{ id: string }>(
          sql`insert into tenants (slug, display_name, plan, spec)
              values ('old', 'Old', 'enterprise', ${jsonb({ slug: "old", features })}) returning id`,
        );
        if (!tenant) throw new Error("no tenant");
        for (const request of [{ spec: { features } }, { change: { features } }, { change: { seats: 3 } }]) {
          await db.execute(
            sql`insert into operations (tenant_id, kind, requested_by, request)
                values (${tenant.id}, 'update', 'system', ${jsonb(request)})`,
          );
        }
        await migratePlatformDb(old.url);
        const [spec] = await db.select({ spec: tenants.spec }).from(tenants);
        expect(spec?.spec).toEqual({ slug: "old", features: ["radius", "customerPortal"] });
        const requests = (await db.select({ r: operations.request }).from(operations)).map((o) => o.r);
        expect(requests).toEqual(
          expect.arrayContaining([
            { spec: { features: ["radius", "customerPortal"] } },
            { change: { features: ["radius", "customerPortal"] } },
            { change: { seats: 3 } },
          ]),
        );
      } finally {
        await close();
      }
    } finally {
      await old.drop();
    }
  });
});
