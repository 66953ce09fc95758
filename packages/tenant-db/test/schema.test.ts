import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SecretBox } from "@dotmac/crypto/secret-box";
import {
  createThrowawayDatabase,
  type PostgresServer,
  startPostgres,
  type ThrowawayDatabase,
} from "@dotmac/devkit";
import { violated } from "@dotmac/devkit/testing";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTenantDb, type TenantDb } from "../src/client.ts";
import { migrateTenantDb } from "../src/migrate.ts";
import {
  accountingSessions,
  auditLogs,
  devices,
  nasClients,
  radiusCredentials,
  servicePlans,
  subscribers,
} from "../src/schema.ts";

describe("tenant database", () => {
  let dir: string;
  let server: PostgresServer;
  let database: ThrowawayDatabase;
  let db: TenantDb;
  let close: () => Promise<void>;
  const box = new SecretBox(Buffer.alloc(32, 7));

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dotmac-pg-"));
    server = await startPostgres({ dir, ephemeral: true });
    database = await createThrowawayDatabase(server.url, "tenant");
    // Three replicas of a tenant's apps starting at once.
    await Promise.all([
      migrateTenantDb(database.url),
      migrateTenantDb(database.url),
      migrateTenantDb(database.url),
    ]);
    ({ db, close } = createTenantDb(database.url, { max: 4 }));
  });
  afterAll(async () => {
    await close?.();
    await database?.drop();
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const plan = (name: string, extra: Partial<typeof servicePlans.$inferInsert> = {}) =>
    db
      .insert(servicePlans)
      .values({
        name,
        downloadKbps: 100_000,
        uploadKbps: 20_000,
        priceMinor: 2999,
        currency: "EUR",
        ...extra,
      })
      .returning()
      .then((rows) => rows[0] as typeof servicePlans.$inferSelect);

  it("bounds every session of the pool: a statement and an open transaction cannot hold it for ever", async () => {
    const [row] = await db.execute<{ statement: string; idle: string }>(
      sql`select current_setting('statement_timeout') as statement,
                 current_setting('idle_in_transaction_session_timeout') as idle`,
    );
    expect(row).toEqual({ statement: "30s", idle: "1min" });
  });

  it("numbers accounts in order, once each", async () => {
    const fibre = await plan("Fibre 100");
    const rows = await db
      .insert(subscribers)
      .values(
        ["Ada", "Grace", "Linus"].map((name) => ({
          name,
          serviceAddress: `${name} Street 1`,
          planId: fibre.id,
        })),
      )
      .returning();
    const numbers = rows.map((r) => r.accountNumber).sort((a, b) => a - b);
    expect(numbers[1]).toBe((numbers[0] ?? 0) + 1);
    expect(numbers[0]).toBeGreaterThanOrEqual(100001);
    expect(rows.every((r) => r.status === "pending")).toBe(true);
  });

  it("refuses what the model forbids", async () => {
    expect(await violated(plan("Too slow", { downloadKbps: 0 }))).toBe("service_plans_speeds");
    expect(await violated(plan("Odd burst", { burstDownloadKbps: 50_000 }))).toBe("service_plans_burst");
    expect(await violated(plan("Bad money", { currency: "eur" }))).toBe("service_plans_currency");
    // What the column types forbid, the database refuses too (for writes that bypass them: raw SQL).
    expect(await violated(plan("Weekly", { billingCycle: "weekly" as never }))).toBe("service_plans_cycle");
    const [s] = await db.insert(subscribers).values({ name: "Eve", serviceAddress: "1 Road" }).returning();
    if (!s) throw new Error("no subscriber");
    expect(
      await violated(
        db
          .update(subscribers)
          .set({ status: "sleeping" as never })
          .where(eq(subscribers.id, s.id)),
      ),
    ).toBe("subscribers_status_known");
    await db.insert(radiusCredentials).values({
      subscriberId: s.id,
      username: "eve@fibre",
      passwordEncrypted: box.seal("pw", `radius:${s.id}`),
    });
    const [other] = await db
      .insert(subscribers)
      .values({ name: "Mallory", serviceAddress: "2 Road" })
      .returning();
    expect(
      await violated(
        db.insert(radiusCredentials).values({
          subscriberId: other?.id as string,
          username: "eve@fibre",
          passwordEncrypted: box.seal("x", "radius:x"),
        }),
      ),
    ).toBe("radius_credentials_username");
    await db.insert(devices).values({ serial: "ZTEG1234", model: "F660", mac: "aa:bb:cc:dd:ee:ff" });
    expect(
      await violated(
        db.insert(devices).values({ serial: "ZTEG9999", model: "F660", mac: "AA-BB-CC-DD-EE-FF" }),
      ),
    ).toBe("devices_mac");
    expect(await violated(db.insert(devices).values({ serial: "X", model: "Y", mac: "not-a-mac" }))).toBe(
      "22P02",
    );
  });

  it("keeps audit rows as written: no update, delete or truncate", async () => {
    const [entry] = await db
      .insert(auditLogs)
      .values({ actorType: "staff", actorId: "s1", action: "subscriber.create", targetType: "subscriber" })
      .returning();
    const id = entry?.id ?? 0;
    for (const change of [
      db.update(auditLogs).set({ actorId: "someone-else" }).where(eq(auditLogs.id, id)),
      db.delete(auditLogs).where(eq(auditLogs.id, id)),
      db.execute(sql`truncate audit_logs`),
    ]) {
      // Drizzle wraps the server's error: its cause is what Postgres said.
      const said = await change.then(
        () => "done",
        (e: Error) => String((e.cause as Error | undefined)?.message ?? e.message),
      );
      expect(said).toMatch(/append-only/);
    }
    const [kept] = await db.select().from(auditLogs).where(eq(auditLogs.id, id));
    expect(kept?.actorId).toBe("s1");
  });

  it("keeps secrets sealed: stored bytes are not the secret, and a moved ciphertext does not open", async () => {
    const [s] = await db.insert(subscribers).values({ name: "Sam", serviceAddress: "3 Road" }).returning();
    if (!s) throw new Error("no subscriber");
    const sealed = box.seal("correct horse", `radius:${s.id}`);
    await db
      .insert(radiusCredentials)
      .values({ subscriberId: s.id, username: "sam", passwordEncrypted: sealed });
    const [row] = await db.select().from(radiusCredentials).where(eq(radiusCredentials.username, "sam"));
    expect(row?.passwordEncrypted.includes(Buffer.from("correct horse"))).toBe(false);
    expect(box.open(row?.passwordEncrypted as Buffer, `radius:${s.id}`)).toBe("correct horse");
    expect(() => box.open(row?.passwordEncrypted as Buffer, "radius:someone-else")).toThrow();
    const tampered = Buffer.from(row?.passwordEncrypted as Buffer);
    tampered[tampered.length - 1] = (tampered.at(-1) ?? 0) ^ 1;
    expect(() => box.open(tampered, `radius:${s.id}`)).toThrow();
    expect(() => new SecretBox(Buffer.alloc(16)).seal("x", "y")).toThrow(/32 bytes/);
  });

  it("finds a NAS by the source address of a packet, inside its network", async () => {
    await db.insert(nasClients).values([
      { name: "core-1", network: "10.20.0.0/16", secretEncrypted: box.seal("s1", "nas:core-1") },
      { name: "edge-7", network: "192.0.2.7/32", secretEncrypted: box.seal("s2", "nas:edge-7") },
    ]);
    const find = async (ip: string) =>
      (await db.select().from(nasClients).where(sql`${ip}::inet <<= ${nasClients.network}`)).map(
        (n) => n.name,
      );
    expect(await find("10.20.3.4")).toEqual(["core-1"]);
    expect(await find("192.0.2.7")).toEqual(["edge-7"]);
    expect(await find("192.0.2.8")).toEqual([]);
  });

  it("keeps one row per NAS session, with 64-bit octet totals", async () => {
    const [nas] = await db.select().from(nasClients).where(eq(nasClients.name, "core-1"));
    if (!nas) throw new Error("no NAS");
    const open = {
      nasId: nas.id,
      acctSessionId: "81000001",
      username: "sam",
      nasIp: "10.20.0.1",
      startedAt: new Date(),
      updatedAt: new Date(),
      inputOctets: 5 * 2 ** 32 + 17,
    };
    await db.insert(accountingSessions).values(open);
    expect(await violated(db.insert(accountingSessions).values(open))).toBe(
      "accounting_sessions_nas_session",
    );
    const [row] = await db
      .select()
      .from(accountingSessions)
      .where(eq(accountingSessions.acctSessionId, "81000001"));
    expect(row?.inputOctets).toBe(5 * 2 ** 32 + 17);
    await db.insert(accountingSessions).values({
      ...open,
      acctSessionId: "81000000",
      stoppedAt: new Date(),
      terminateCause: "User-Request",
    });
    const online = await db
      .select({ id: accountingSessions.acctSessionId })
      .from(accountingSessions)
      .where(sql`${accountingSessions.stoppedAt} is null and ${accountingSessions.username} = 'sam'`);
    expect(online).toEqual([{ id: "81000001" }]);
  });
});
