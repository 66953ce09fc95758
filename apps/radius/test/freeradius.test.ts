import { randomBytes } from "node:crypto";
import { SecretBox } from "@dotmac/crypto/secret-box";
import { radclient } from "@dotmac/devkit";
import {
  accountingSessions,
  nasClients,
  radiusCredentials,
  servicePlans,
  type TenantDb,
} from "@dotmac/tenant-db";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { challengeHash, challengeResponse, ntPasswordHash } from "../src/mschap.ts";
import type { RunningRadius } from "../src/server.ts";
import { type RunningFreeRadius, startFreeRadius } from "./freeradius.ts";
import { addLocalNas, addSubscriber, serveRadius } from "./harness.ts";

const SECRET = "shared-by-both-servers";

/** radclient -x output → the answer's code and its attributes (signatures left out). */
function answer(out: string): { code: string; attributes: string[] } {
  const lines = out.split("\n");
  const at = lines.findIndex((l) => l.startsWith("Received "));
  if (at < 0) return { code: "none", attributes: [] };
  const code = lines[at]?.split(" ")[1] ?? "";
  const attributes: string[] = [];
  for (const line of lines.slice(at + 1)) {
    if (!line.startsWith("\t")) break;
    const attribute = line.trim();
    if (!attribute.startsWith("Message-Authenticator")) attributes.push(attribute);
  }
  return { code, attributes: attributes.sort() };
}

describe("a stock FreeRADIUS 3.2 on the compatibility views, next to our server", () => {
  let t: Awaited<ReturnType<typeof startTenantDatabase>>;
  let db: TenantDb;
  let ours: RunningRadius;
  let theirs: RunningFreeRadius;
  const key = Buffer.alloc(32, 9);
  const box = new SecretBox(key);

  beforeAll(async () => {
    t = await startTenantDatabase();
    db = t.db;
    const [plan] = await db
      .insert(servicePlans)
      .values({
        name: "Fibre 100",
        downloadKbps: 100_000,
        uploadKbps: 20_000,
        burstDownloadKbps: 150_000,
        sessionTimeoutSeconds: 86_400,
        interimIntervalSeconds: 600,
        vendorAttributes: { "Mikrotik-Address-List": "fibre-100", "Mikrotik-Recv-Limit": "500000000" },
        priceMinor: 2999,
        currency: "EUR",
      })
      .returning();
    const [capped] = await db
      .insert(servicePlans)
      .values({
        name: "Capped",
        downloadKbps: 10_000,
        uploadKbps: 2_000,
        dataCapBytes: 5_000,
        priceMinor: 999,
        currency: "EUR",
      })
      .returning();
    const planId = plan?.id ?? null;
    await addSubscriber(db, box, { username: "alice", status: "active", planId });
    await addSubscriber(db, box, { username: "static", status: "active", planId, staticIp: "100.64.7.7" });
    await addSubscriber(db, box, { username: "sus", status: "suspended", planId });
    await addSubscriber(db, box, { username: "pen", status: "pending", planId });
    await addSubscriber(db, box, { username: "heavy", status: "active", planId: capped?.id ?? null });
    await addLocalNas(db, box, SECRET, false);
    // Reasons on, as FreeRADIUS gives them from the views: the comparison is of the refusals.
    ours = await serveRadius(db, box, { replyReasons: true });
    theirs = await startFreeRadius({
      databaseUrl: t.url,
      secretsKey: key.toString("base64"),
      connections: 2,
    });
  }, 60_000);
  afterAll(async () => {
    await theirs?.stop();
    await ours?.stop();
    await t?.stop();
  });

  const both = async (attributes: string) => {
    const [a, b] = await Promise.all([
      radclient(ours.authPort, "auth", SECRET, attributes),
      radclient(theirs.authPort, "auth", SECRET, attributes),
    ]);
    return { ours: answer(a), theirs: answer(b), raw: b, log: theirs.output() };
  };

  it("answers like our server: the same accepts with the same plan attributes", async () => {
    for (const request of [
      'User-Name = "alice", User-Password = "alice-pw"',
      'User-Name = "alice", CHAP-Password = "alice-pw"',
      'User-Name = "static", User-Password = "static-pw"',
    ]) {
      const { ours, theirs, raw, log } = await both(request);
      expect(ours.code, request).toBe("Access-Accept");
      expect(theirs, `${request}\n${raw}\n${log}`).toEqual(ours);
    }
    const { theirs } = await both('User-Name = "static", User-Password = "static-pw"');
    expect(theirs.attributes).toContain("Framed-IP-Address = 100.64.7.7");
    expect(theirs.attributes).toContain('Mikrotik-Rate-Limit = "20M/100M 20M/150M 15M/75M 10/10"');
    expect(theirs.attributes).toContain('Mikrotik-Address-List = "fibre-100"');
  });

  it("sends an attribute added once, to radius_reply(), from both servers", async () => {
    // What a migration adding an Access-Accept attribute does: replace the function's body. The
    // view and our server's query both call it, so neither needs a change of its own.
    const pg = t.db.$client;
    const [fn] = await pg<{ def: string }[]>`
      select pg_get_functiondef('radius_reply(service_plans, jsonb)'::regprocedure) as def`;
    const last = "(5, 'Session-Timeout', p.session_timeout_seconds::text)";
    expect(fn?.def).toContain(last);
    await pg.unsafe(fn?.def.replace(last, `${last}, (6, 'Mikrotik-Group', 'added-once')`) ?? "");
    try {
      const { ours, theirs } = await both('User-Name = "alice", User-Password = "alice-pw"');
      expect(ours.attributes).toContain('Mikrotik-Group = "added-once"');
      expect(theirs).toEqual(ours);
    } finally {
      await pg.unsafe(fn?.def ?? "");
    }
  });

  it("does MS-CHAPv2 like FreeRADIUS's rlm_mschap: the same success message and MPPE keys", async () => {
    const authChallenge = randomBytes(16);
    const peerChallenge = randomBytes(16);
    const msChapV2 = (username: string, password: string) => {
      const hash = ntPasswordHash(password);
      const nt = challengeResponse(challengeHash(peerChallenge, authChallenge, username), hash);
      const response = Buffer.concat([Buffer.from([0x2a, 0]), peerChallenge, Buffer.alloc(8), nt]);
      return `User-Name = "${username}", MS-CHAP-Challenge = 0x${authChallenge.toString("hex")}, MS-CHAP2-Response = 0x${response.toString("hex")}`;
    };
    const { ours, theirs, raw } = await both(msChapV2("alice", "alice-pw"));
    expect(ours.code).toBe("Access-Accept");
    // radclient opens the salted MPPE keys with the secret, so equal lines mean equal keys.
    expect(theirs, raw).toEqual(ours);
    expect(ours.attributes.some((a) => a.startsWith("MS-CHAP2-Success = 0x2a533d"))).toBe(true);
    expect(ours.attributes.some((a) => /^MS-MPPE-Send-Key = 0x[0-9a-f]{32}$/.test(a))).toBe(true);

    const wrong = await both(msChapV2("alice", "not-alice-pw"));
    expect([wrong.ours.code, wrong.theirs.code]).toEqual(["Access-Reject", "Access-Reject"]);
    expect(wrong.ours.attributes.some((a) => a.startsWith("MS-CHAP-Error"))).toBe(true);
    expect(wrong.theirs.attributes.some((a) => a.startsWith("MS-CHAP-Error"))).toBe(true);
  });

  it("refuses the same subscribers, with the same reasons", async () => {
    for (const request of [
      'User-Name = "sus", User-Password = "sus-pw"',
      'User-Name = "pen", CHAP-Password = "pen-pw"',
    ]) {
      const { ours, theirs, raw } = await both(request);
      expect(ours.code, request).toBe("Access-Reject");
      expect(theirs, `${request}\n${raw}`).toEqual(ours);
    }
    // Wrong passwords and unknown users: FreeRADIUS says nothing, ours says why; both refuse.
    for (const request of [
      'User-Name = "alice", User-Password = "wrong"',
      'User-Name = "alice", CHAP-Password = "wrong"',
      'User-Name = "ghost", User-Password = "x"',
    ]) {
      const { ours, theirs } = await both(request);
      expect([ours.code, theirs.code], request).toEqual(["Access-Reject", "Access-Reject"]);
    }
  });

  it("records FreeRADIUS's accounting in our sessions table, where our server's cap then applies", async () => {
    const acct = (attributes: string) => radclient(theirs.acctPort, "acct", SECRET, attributes);
    // A NAS repeats the address in every packet; the stock Stop query writes what the Stop says.
    const session =
      'Acct-Session-Id = "fr-9", User-Name = "heavy", NAS-IP-Address = 127.0.0.1, NAS-Port = 4, Framed-IP-Address = 100.64.0.44';
    expect(await acct(`Acct-Status-Type = Start, ${session}`)).toMatch(/Received Accounting-Response/);
    expect(
      await acct(
        `Acct-Status-Type = Interim-Update, ${session}, Acct-Session-Time = 60, Acct-Input-Octets = 1000, Acct-Output-Octets = 2000`,
      ),
    ).toMatch(/Received Accounting-Response/);
    expect(
      await acct(
        `Acct-Status-Type = Stop, ${session}, Acct-Session-Time = 120, Acct-Input-Octets = 3000, Acct-Output-Octets = 4000, Acct-Output-Gigawords = 1, Acct-Terminate-Cause = User-Request`,
      ),
    ).toMatch(/Received Accounting-Response/);

    const [row] = await db
      .select()
      .from(accountingSessions)
      .where(eq(accountingSessions.acctSessionId, "fr-9"));
    const [nas] = await db.select().from(nasClients);
    const [heavy] = await db.select().from(radiusCredentials).where(eq(radiusCredentials.username, "heavy"));
    expect(row).toMatchObject({
      nasId: nas?.id,
      subscriberId: heavy?.subscriberId,
      username: "heavy",
      nasIp: "127.0.0.1",
      nasPort: "4",
      framedIp: "100.64.0.44",
      sessionSeconds: 120,
      inputOctets: 3000,
      outputOctets: 2 ** 32 + 4000,
      terminateCause: "User-Request",
    });
    expect(row?.stoppedAt).toBeInstanceOf(Date);

    const { ours, theirs: fr } = await both('User-Name = "heavy", User-Password = "heavy-pw"');
    expect(ours).toEqual({ code: "Access-Reject", attributes: ['Reply-Message = "data cap reached"'] });
    expect(fr).toEqual(ours);
  });
});
