import {
  accountingSessions,
  auditLogs,
  nasClients,
  subscriberStatusHistory,
  subscribers,
  type TenantDb,
} from "@dotmac/tenant-db";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeSubscriberStatus, type OpenSession, TransitionError } from "../src/server/lifecycle.ts";

describe("subscriber status changes", () => {
  let t: Awaited<ReturnType<typeof startTenantDatabase>>;
  let db: TenantDb;

  beforeAll(async () => {
    t = await startTenantDatabase();
    db = t.db;
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("follows the lifecycle, records who, when and why, and refuses illegal moves changing nothing", async () => {
    const [s] = await db.insert(subscribers).values({ name: "Ada", serviceAddress: "1 Road" }).returning();
    if (!s) throw new Error("no subscriber");
    const move = (to: "active" | "suspended" | "terminated" | "pending", reason?: string) =>
      changeSubscriberStatus(db, { subscriberId: s.id, to, actor: "staff:42", reason });

    await expect(move("suspended")).rejects.toBeInstanceOf(TransitionError);
    expect(await db.select().from(subscriberStatusHistory)).toHaveLength(0);

    await move("active");
    await move("suspended", "unpaid invoice 2026-11");
    await move("active", "paid");
    await expect(move("pending")).rejects.toThrow(/an active subscriber cannot become pending/);
    await move("terminated", "moved away");
    for (const to of ["active", "suspended", "pending"] as const) {
      await expect(move(to)).rejects.toBeInstanceOf(TransitionError);
    }

    const history = await db
      .select()
      .from(subscriberStatusHistory)
      .where(eq(subscriberStatusHistory.subscriberId, s.id))
      .orderBy(subscriberStatusHistory.id);
    expect(history.map((h) => [h.fromStatus, h.toStatus, h.reason, h.actor])).toEqual([
      ["pending", "active", null, "staff:42"],
      ["active", "suspended", "unpaid invoice 2026-11", "staff:42"],
      ["suspended", "active", "paid", "staff:42"],
      ["active", "terminated", "moved away", "staff:42"],
    ]);
    const audit = await db.select().from(auditLogs).where(eq(auditLogs.targetId, s.id));
    expect(audit.map((a) => a.action)).toEqual([
      "subscriber.active",
      "subscriber.suspended",
      "subscriber.active",
      "subscriber.terminated",
    ]);
  });

  it("disconnects the open sessions of a subscriber it suspends, and records each result", async () => {
    const [s] = await db
      .insert(subscribers)
      .values({ name: "Grace", serviceAddress: "2 Road", status: "active" })
      .returning();
    const [nas] = await db
      .insert(nasClients)
      .values({ name: "bng-9", network: "192.0.2.9/32", secretEncrypted: Buffer.alloc(40), coaPort: 3799 })
      .returning();
    if (!s || !nas) throw new Error("no fixtures");
    const at = new Date();
    await db.insert(accountingSessions).values([
      {
        nasId: nas.id,
        acctSessionId: "open-1",
        subscriberId: s.id,
        username: "grace",
        nasIp: "192.0.2.9",
        startedAt: at,
        updatedAt: at,
        framedIp: "100.64.1.1",
      },
      {
        nasId: nas.id,
        acctSessionId: "closed-1",
        subscriberId: s.id,
        username: "grace",
        nasIp: "192.0.2.9",
        startedAt: at,
        updatedAt: at,
        stoppedAt: at,
      },
    ]);
    const asked: OpenSession[] = [];
    const result = await changeSubscriberStatus(
      db,
      { subscriberId: s.id, to: "suspended", actor: "staff:7", reason: "abuse report" },
      async (session) => {
        asked.push(session);
        return { outcome: "ack" };
      },
    );
    expect(result).toEqual({ from: "active", to: "suspended", disconnected: 1 });
    expect(asked).toEqual([
      {
        nasId: nas.id,
        nasNetwork: "192.0.2.9/32",
        coaPort: 3799,
        nasIp: "192.0.2.9",
        username: "grace",
        acctSessionId: "open-1",
        framedIp: "100.64.1.1",
      },
    ]);
    const [entry] = await db.select().from(auditLogs).where(eq(auditLogs.action, "session.disconnect"));
    expect(entry).toMatchObject({ targetId: "open-1", after: { outcome: "ack", nasId: nas.id } });
  });
});
