// Long file: every FreeRADIUS view checked against the real server on one database, started once.
import { randomBytes } from "node:crypto";
import type { SubscriberStatus } from "@dotmac/contracts";
import { SecretBox } from "@dotmac/crypto/secret-box";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dunningStates } from "../src/billing-schema.ts";
import type { TenantDb } from "../src/client.ts";
import {
  accountingSessions,
  nasClients,
  radiusCredentials,
  servicePlans,
  subscribers,
} from "../src/schema.ts";
import { sealedFor } from "../src/sealed-for.ts";
import { startTenantDatabase } from "../src/testing.ts";

/** The SQL a stock FreeRADIUS 3.2 rlm_sql runs (mods-config/sql/main/postgresql/queries.conf). */
const freeradius = {
  check: "SELECT id, UserName, Attribute, Value, Op FROM radcheck WHERE Username = $1 ORDER BY id",
  reply: "SELECT id, UserName, Attribute, Value, Op FROM radreply WHERE Username = $1 ORDER BY id",
  groups: "SELECT GroupName FROM radusergroup WHERE UserName = $1 ORDER BY priority",
  groupReply:
    "SELECT id, GroupName, Attribute, Value, op FROM radgroupreply WHERE GroupName = $1 ORDER BY id",
  clients: "SELECT id, nasname, shortname, type, secret, server FROM nas",
};

describe("FreeRADIUS compatibility views", () => {
  let t: Awaited<ReturnType<typeof startTenantDatabase>>;
  let db: TenantDb;
  /** A connection configured the way FreeRADIUS's radius_db string configures it. */
  let radius: postgres.Sql;
  const key = randomBytes(32);
  const box = new SecretBox(key);

  beforeAll(async () => {
    t = await startTenantDatabase();
    db = t.db;
    radius = postgres(t.url, {
      max: 2,
      onnotice: () => {},
      connection: { "dotmac.secrets_key": key.toString("base64") },
    });
  });
  afterAll(async () => {
    await radius?.end();
    await t?.stop();
  });

  const rows = async (query: string, value: string) =>
    (await radius.unsafe(query, [value])).map((r) => [r.attribute, r.op, r.value]);

  it("opens what SecretBox sealed, for any text, and says how to pass the key when it is missing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "grapheme", maxLength: 80 }), async (plain) => {
        const sealed = box.seal(plain, "anything");
        const [row] = await radius`select dotmac_open_secret(${sealed}) as plain`;
        expect(row?.plain).toBe(plain);
      }),
      { numRuns: 60 },
    );
    await expect(
      db.$client`select dotmac_open_secret(${box.seal("x", "y")})`.then(() => "opened"),
    ).rejects.toThrow(/set dotmac.secrets_key on the connection/);
    await expect(radius`select dotmac_open_secret(${Buffer.from("junk")})`).rejects.toThrow(
      /not a sealed secret/,
    );
  });

  it("opens with a rotated keyring what the old key sealed, and names the key it lacks", async () => {
    const newKey = randomBytes(32);
    const ring = postgres(t.url, {
      max: 1,
      onnotice: () => {},
      connection: { "dotmac.secrets_key": `${newKey.toString("base64")},${key.toString("base64")}` },
    });
    try {
      const rotated = new SecretBox(newKey, [key]);
      for (const sealed of [box.seal("old key", "a"), rotated.seal("new key", "a")]) {
        const [row] = await ring`select dotmac_open_secret(${sealed}) as plain`;
        expect(row?.plain).toBe(rotated.open(sealed, "a"));
      }
      await expect(radius`select dotmac_open_secret(${rotated.seal("x", "a")})`).rejects.toThrow(
        new RegExp(`sealed with key ${rotated.keyId}, which dotmac.secrets_key does not hold`),
      );
    } finally {
      await ring.end();
    }
  });

  it("writes MikroTik rate limits as upload/download, with burst when the plan has it", async () => {
    const limit = async (plan: Partial<typeof servicePlans.$inferInsert>) => {
      const [p] = await db
        .insert(servicePlans)
        .values({
          name: `rate-${randomBytes(4).toString("hex")}`,
          downloadKbps: 100_000,
          uploadKbps: 20_000,
          priceMinor: 0,
          currency: "EUR",
          ...plan,
        })
        .returning();
      const [row] =
        await db.$client`select radius_mikrotik_rate_limit(p) as l from service_plans p where id = ${p?.id ?? ""}`;
      return row?.l;
    };
    expect(await limit({})).toBe("20M/100M");
    expect(await limit({ downloadKbps: 1500, uploadKbps: 512 })).toBe("512k/1500k");
    expect(await limit({ burstDownloadKbps: 200_000, burstThresholdPercent: 50, burstSeconds: 30 })).toBe(
      "20M/100M 20M/200M 10M/50M 30/30",
    );
    expect(await limit({ burstUploadKbps: 30_000 })).toBe("20M/100M 30M/100M 15M/75M 10/10");
  });

  it("gives FreeRADIUS the password, the plan's reply as a group, and refusals with a reason", async () => {
    const [gold] = await db
      .insert(servicePlans)
      .values({
        name: "gold",
        downloadKbps: 300_000,
        uploadKbps: 50_000,
        sessionTimeoutSeconds: 86_400,
        interimIntervalSeconds: 600,
        priceMinor: 4999,
        currency: "EUR",
      })
      .returning();
    const [capped] = await db
      .insert(servicePlans)
      .values({
        name: "capped",
        downloadKbps: 10_000,
        uploadKbps: 2_000,
        dataCapBytes: 1_000_000,
        priceMinor: 999,
        currency: "EUR",
      })
      .returning();
    const subscriber = async (
      username: string,
      status: SubscriberStatus,
      planId: string | null,
      staticIp?: string,
    ) => {
      const [s] = await db
        .insert(subscribers)
        .values({ name: username, serviceAddress: "1 Road", status, planId, staticIp })
        .returning();
      if (!s) throw new Error("no subscriber");
      await db.insert(radiusCredentials).values({
        subscriberId: s.id,
        username,
        passwordEncrypted: box.seal(`pw-${username}`, sealedFor.radiusPassword(s.id)),
      });
      return s;
    };
    await subscriber("ok@isp", "active", gold?.id ?? null, "100.64.0.9");
    await subscriber("late@isp", "suspended", gold?.id ?? null, "100.64.0.10");
    await subscriber("new@isp", "pending", gold?.id ?? null);
    await subscriber("noplan@isp", "active", null);
    const heavy = await subscriber("heavy@isp", "active", capped?.id ?? null);
    const [nas] = await db
      .insert(nasClients)
      .values({ name: "olt-1", network: "192.0.2.0/24", secretEncrypted: Buffer.alloc(0) })
      .returning();
    await db
      .update(nasClients)
      .set({ secretEncrypted: box.seal("s3cret", sealedFor.nasSecret(nas?.id ?? "")) })
      .where(eq(nasClients.id, nas?.id ?? ""));

    expect(await rows(freeradius.check, "ok@isp")).toEqual([["Cleartext-Password", ":=", "pw-ok@isp"]]);
    expect(await rows(freeradius.reply, "ok@isp")).toEqual([["Framed-IP-Address", ":=", "100.64.0.9"]]);
    expect((await radius.unsafe(freeradius.groups, ["ok@isp"])).map((r) => r.groupname)).toEqual(["gold"]);
    expect(await rows(freeradius.groupReply, "gold")).toEqual([
      ["Acct-Interim-Interval", ":=", "600"],
      ["Mikrotik-Rate-Limit", ":=", "50M/300M"],
      ["WISPr-Bandwidth-Max-Up", ":=", "50000000"],
      ["WISPr-Bandwidth-Max-Down", ":=", "300000000"],
      ["Session-Timeout", ":=", "86400"],
    ]);

    for (const [user, reason] of [
      ["late@isp", "account suspended"],
      ["new@isp", "account not yet active"],
      ["noplan@isp", "no service plan"],
    ]) {
      expect(await rows(freeradius.check, user ?? "")).toEqual([
        ["Cleartext-Password", ":=", `pw-${user}`],
        ["Auth-Type", ":=", "Reject"],
      ]);
      // A refused subscriber gets the reason and nothing of the plan (no group, no address).
      expect(await rows(freeradius.reply, user ?? "")).toEqual([["Reply-Message", ":=", reason]]);
      expect(await radius.unsafe(freeradius.groups, [user ?? ""])).toHaveLength(0);
    }

    // Under the cap: accepted; at the cap (this month's sessions): refused.
    expect(await rows(freeradius.reply, "heavy@isp")).toEqual([]);
    await db.insert(accountingSessions).values({
      nasId: nas?.id ?? "",
      acctSessionId: "cap-1",
      subscriberId: heavy.id,
      username: "heavy@isp",
      nasIp: "192.0.2.1",
      startedAt: new Date(),
      updatedAt: new Date(),
      inputOctets: 400_000,
      outputOctets: 600_000,
    });
    expect(await rows(freeradius.reply, "heavy@isp")).toEqual([["Reply-Message", ":=", "data cap reached"]]);

    expect(await rows(freeradius.check, "nobody@isp")).toEqual([]);
    const clients = await radius.unsafe(freeradius.clients);
    expect(clients.map((c) => [c.nasname, c.shortname, c.secret])).toEqual([
      ["192.0.2.0/24", "olt-1", "s3cret"],
    ]);
  });

  it("puts a walled-garden subscriber in its plan's walled-garden group: the tenant's attributes over the plan's", async () => {
    const [silver] = await db
      .insert(servicePlans)
      .values({
        name: "silver",
        downloadKbps: 50_000,
        uploadKbps: 10_000,
        priceMinor: 1999,
        currency: "EUR",
        vendorAttributes: { "Mikrotik-Address-List": "customers", "Mikrotik-Group": "ppp-silver" },
      })
      .returning();
    const [s] = await db
      .insert(subscribers)
      .values({ name: "owes", serviceAddress: "1 Road", status: "active", planId: silver?.id ?? null })
      .returning();
    await db.insert(radiusCredentials).values({
      subscriberId: s?.id ?? "",
      username: "owes@isp",
      passwordEncrypted: box.seal("pw-owes", sealedFor.radiusPassword(s?.id ?? "")),
    });
    const groups = async () => (await radius.unsafe(freeradius.groups, ["owes@isp"])).map((r) => r.groupname);
    expect(await groups()).toEqual(["silver"]);
    await db.insert(dunningStates).values({ subscriberId: s?.id ?? "", walledGardenSince: new Date() });
    expect(await groups()).toEqual(["silver [walled garden]"]);
    // Accepted, not refused: the same password and no Reply-Message.
    expect(await rows(freeradius.check, "owes@isp")).toEqual([["Cleartext-Password", ":=", "pw-owes"]]);
    expect(await rows(freeradius.reply, "owes@isp")).toEqual([]);
    const vendor = async (group: string) =>
      (await rows(freeradius.groupReply, group)).filter(
        ([name]) => String(name).startsWith("Mikrotik-") && name !== "Mikrotik-Rate-Limit",
      );
    expect(await vendor("silver")).toEqual([
      ["Mikrotik-Address-List", ":=", "customers"],
      ["Mikrotik-Group", ":=", "ppp-silver"],
    ]);
    expect(await vendor("silver [walled garden]")).toEqual([
      ["Mikrotik-Address-List", ":=", "walled-garden"],
      ["Mikrotik-Group", ":=", "ppp-silver"],
    ]);
    // The speeds stay the plan's.
    expect((await rows(freeradius.groupReply, "silver [walled garden]")).slice(0, 2)).toEqual([
      ["Acct-Interim-Interval", ":=", "300"],
      ["Mikrotik-Rate-Limit", ":=", "10M/50M"],
    ]);
  });

  it("takes FreeRADIUS's accounting writes through radacct into accounting_sessions", async () => {
    const nasIp = "192.0.2.77";
    const event = 1_764_000_000;
    // queries.conf: start (insert with ON CONFLICT on AcctUniqueId), interim-update, stop.
    const start = `INSERT INTO radacct (AcctSessionId, AcctUniqueId, UserName, Realm, NASIPAddress, NASPortId,
        NASPortType, AcctStartTime, AcctUpdateTime, AcctStopTime, AcctSessionTime, AcctAuthentic, ConnectInfo_start,
        ConnectInfo_Stop, AcctInputOctets, AcctOutputOctets, CalledStationId, CallingStationId, AcctTerminateCause,
        ServiceType, FramedProtocol, FramedIpAddress, FramedIpv6Address, FramedIpv6Prefix, FramedInterfaceId,
        DelegatedIpv6Prefix)
      VALUES('fr-1', 'u-1', 'ok@isp', NULLIF('', ''), '${nasIp}', NULLIF('7', ''), 'Ethernet', TO_TIMESTAMP(${event}),
        TO_TIMESTAMP(${event}), NULL, 0, 'RADIUS', '', NULL, 0, 0, 'olt', 'AA-BB', NULL, 'Framed-User', 'PPP',
        NULLIF('100.64.0.9', '')::inet, NULLIF('', '')::inet, NULLIF('', '')::inet, NULLIF('', ''), NULLIF('', '')::inet)
      ON CONFLICT (AcctUniqueId) DO UPDATE SET AcctStartTime = TO_TIMESTAMP(${event}),
        AcctUpdateTime = TO_TIMESTAMP(${event}), ConnectInfo_start = ''
      WHERE radacct.AcctUniqueId = 'u-1' AND radacct.AcctStopTime IS NULL`;
    await radius.unsafe(start);
    await radius.unsafe(start); // a retransmission
    await radius.unsafe(`UPDATE radacct SET AcctSessionTime = NULL,
        AcctInterval = (${event + 300} - EXTRACT(EPOCH FROM (COALESCE(AcctUpdateTime, AcctStartTime)))),
        AcctUpdateTime = TO_TIMESTAMP(${event + 300}),
        AcctInputOctets = (('1'::bigint << 32) + '5'::bigint), AcctOutputOctets = (('0'::bigint << 32) + '9'::bigint)
      WHERE AcctUniqueId = 'u-1' AND AcctStopTime IS NULL`);
    await radius.unsafe(`UPDATE radacct SET AcctStopTime = TO_TIMESTAMP(${event + 600}),
        AcctUpdateTime = TO_TIMESTAMP(${event + 600}),
        AcctSessionTime = COALESCE(600, (${event + 600} - EXTRACT(EPOCH FROM(AcctStartTime)))),
        AcctInputOctets = (('1'::bigint << 32) + '7'::bigint), AcctOutputOctets = (('0'::bigint << 32) + '11'::bigint),
        AcctTerminateCause = 'User-Request'
      WHERE AcctUniqueId = 'u-1' AND AcctStopTime IS NULL`);

    const sessions = await db
      .select()
      .from(accountingSessions)
      .where(eq(accountingSessions.acctSessionId, "fr-1"));
    expect(sessions).toHaveLength(1);
    const [s] = sessions;
    const [ok] = await db.select().from(radiusCredentials).where(eq(radiusCredentials.username, "ok@isp"));
    const [nas] = await db.select().from(nasClients).where(eq(nasClients.name, "olt-1"));
    expect(s?.nasId).toBe(nas?.id);
    expect(s?.subscriberId).toBe(ok?.subscriberId);
    expect(s?.inputOctets).toBe(2 ** 32 + 7);
    expect(s?.outputOctets).toBe(11);
    expect(s?.sessionSeconds).toBe(600);
    expect(s?.acctInterval).toBe(300);
    expect(s?.terminateCause).toBe("User-Request");
    expect(s?.stoppedAt?.getTime()).toBe((event + 600) * 1000);

    // A NAS the tenant does not know cannot write sessions.
    await expect(
      radius.unsafe(start.replaceAll(nasIp, "203.0.113.1").replaceAll("u-1", "u-2")),
    ).rejects.toThrow(/no NAS client covers 203.0.113.1/);
  });
});
