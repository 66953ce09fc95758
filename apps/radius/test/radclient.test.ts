import { spawn } from "node:child_process";
import { join } from "node:path";
import { SecretBox } from "@dotmac/crypto/secret-box";
import { freePorts, radclient, repoRoot } from "@dotmac/devkit";
import { accountingSessions, nasClients, sealedFor, servicePlans, type TenantDb } from "@dotmac/tenant-db";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningRadius } from "../src/server.ts";
import { addLocalNas, addSubscriber, serveRadius } from "./harness.ts";

const SECRET = "nas-shared-secret-1";

describe("RADIUS server against Debian's radclient", () => {
  let t: Awaited<ReturnType<typeof startTenantDatabase>>;
  let db: TenantDb;
  let radius: RunningRadius;
  let nasId: string;
  const box = new SecretBox(Buffer.alloc(32, 3));

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
        burstUploadKbps: 30_000,
        sessionTimeoutSeconds: 86_400,
        interimIntervalSeconds: 600,
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
        dataCapBytes: 1000,
        priceMinor: 999,
        currency: "EUR",
      })
      .returning();
    const planId = plan?.id ?? null;
    await addSubscriber(db, box, { username: "alice", status: "active", planId });
    await addSubscriber(db, box, { username: "static", status: "active", planId, staticIp: "100.64.9.9" });
    await addSubscriber(db, box, { username: "sus", status: "suspended", planId });
    await addSubscriber(db, box, { username: "pen", status: "pending", planId });
    const heavy = await addSubscriber(db, box, {
      username: "heavy",
      status: "active",
      planId: capped?.id ?? null,
    });
    nasId = await addLocalNas(db, box, SECRET, false);
    await db.insert(accountingSessions).values({
      nasId,
      acctSessionId: "old-heavy",
      subscriberId: heavy.id,
      username: "heavy",
      nasIp: "127.0.0.1",
      startedAt: new Date(),
      updatedAt: new Date(),
      inputOctets: 600,
      outputOctets: 600,
    });
    radius = await serveRadius(db, box);
  });
  afterAll(async () => {
    await radius?.stop();
    await t?.stop();
  });

  const auth = (attrs: string, secret = SECRET) => radclient(radius.authPort, "auth", secret, attrs);
  const acct = (attrs: string, secret = SECRET) => radclient(radius.acctPort, "acct", secret, attrs);

  it("accepts PAP with the plan's attributes, and a Message-Authenticator", async () => {
    const out = await auth('User-Name = "alice", User-Password = "alice-pw"');
    expect(out).toMatch(/Received Access-Accept/);
    expect(out).toMatch(/Mikrotik-Rate-Limit = "20M\/100M 30M\/150M 15M\/75M 10\/10"/);
    expect(out).toMatch(/WISPr-Bandwidth-Max-Down = 100000000/);
    expect(out).toMatch(/WISPr-Bandwidth-Max-Up = 20000000/);
    expect(out).toMatch(/Session-Timeout = 86400/);
    expect(out).toMatch(/Acct-Interim-Interval = 600/);
    expect(out).toMatch(/Message-Authenticator = 0x/);
    expect(out).not.toMatch(/Framed-IP-Address/);
    const fixed = await auth('User-Name = "static", User-Password = "static-pw"');
    expect(fixed).toMatch(/Framed-IP-Address = 100\.64\.9\.9/);
  });

  const refusals: [string, string][] = [
    ['User-Name = "alice", User-Password = "nope"', "wrong password"],
    ['User-Name = "ghost", User-Password = "x"', "unknown user"],
    ['User-Name = "sus", User-Password = "sus-pw"', "account suspended"],
    ['User-Name = "pen", User-Password = "pen-pw"', "account not yet active"],
    ['User-Name = "heavy", User-Password = "heavy-pw"', "data cap reached"],
  ];
  /** The attributes radclient received, without the per-packet Message-Authenticator. */
  const shape = (out: string) =>
    out
      .slice(out.indexOf("Received"))
      .split("\n")
      .filter((l) => /^\s+[A-Z][\w-]+ = /.test(l) && !l.includes("Message-Authenticator"))
      .join("\n");

  it("rejects a wrong password, unknown, suspended, pending and capped users alike: no username enumeration", async () => {
    const replies: string[] = [];
    for (const [attrs] of refusals) {
      const out = await auth(attrs);
      expect(out, attrs).toMatch(/Received Access-Reject/);
      expect(out, attrs).toMatch(/Reply-Message = "authentication failed"/);
      replies.push(shape(out));
    }
    expect(new Set(replies).size, replies.join("\n---\n")).toBe(1);
  });

  it("says why in the Reply-Message when told to (RADIUS_REPLY_REASONS)", async () => {
    const telling = await serveRadius(db, box, { replyReasons: true });
    try {
      for (const [attrs, reason] of refusals) {
        const out = await radclient(telling.authPort, "auth", SECRET, attrs);
        expect(out, attrs).toMatch(/Received Access-Reject/);
        expect(out, attrs).toContain(`Reply-Message = "${reason}"`);
      }
    } finally {
      await telling.stop();
    }
  });

  it("drops a Proxy-State without a Message-Authenticator (Blast-RADIUS), and answers a signed one", async () => {
    const unsigned = await auth('User-Name = "alice", User-Password = "alice-pw", Proxy-State = 0x0102');
    expect(unsigned).not.toMatch(/Received/);
    const metrics = await (await fetch(`http://127.0.0.1:${radius.metricsPort}/metrics`)).text();
    expect(metrics).toMatch(
      /dotmac_radius_dropped_total\{reason="proxy_state_without_message_authenticator"\} 1/,
    );
    const signed = await auth(
      'User-Name = "alice", User-Password = "alice-pw", Proxy-State = 0x0102, Message-Authenticator = 0x00',
    );
    expect(signed).toMatch(/Received Access-Accept/);
    expect(signed).toMatch(/Proxy-State = 0x0102/);
  });

  it("accepts and rejects CHAP", async () => {
    expect(await auth('User-Name = "alice", CHAP-Password = "alice-pw"')).toMatch(/Received Access-Accept/);
    expect(await auth('User-Name = "alice", CHAP-Password = "wrong"')).toMatch(/Received Access-Reject/);
  });

  it("ignores a client with the wrong secret, and counts the drop", async () => {
    const out = await auth(
      'User-Name = "alice", User-Password = "alice-pw", Message-Authenticator = 0x00',
      "not-the-secret",
    );
    expect(out).not.toMatch(/Received/);
    const acctOut = await acct(
      'Acct-Status-Type = Start, Acct-Session-Id = "x1", User-Name = "alice"',
      "not-the-secret",
    );
    expect(acctOut).not.toMatch(/Received/);
    const metrics = await (await fetch(`http://127.0.0.1:${radius.metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/dotmac_radius_dropped_total\{reason="bad_authenticator"\} [1-9]/);
  });

  it("records Start, Interim-Update and Stop with 64-bit octets, idempotently", async () => {
    const session = 'Acct-Session-Id = "sess-1", User-Name = "alice", Framed-IP-Address = 100.64.0.10';
    expect(await acct(`Acct-Status-Type = Start, ${session}`)).toMatch(/Received Accounting-Response/);
    const interim = `Acct-Status-Type = Interim-Update, ${session}, Acct-Session-Time = 60, Acct-Input-Octets = 1000, Acct-Output-Octets = 5000, Acct-Output-Gigawords = 2`;
    expect(await acct(interim)).toMatch(/Received Accounting-Response/);
    const stop = `Acct-Status-Type = Stop, ${session}, Acct-Session-Time = 120, Acct-Input-Octets = 2000, Acct-Output-Octets = 7000, Acct-Output-Gigawords = 2, Acct-Terminate-Cause = User-Request`;
    expect(await acct(stop)).toMatch(/Received Accounting-Response/);
    // A late, out-of-order Interim-Update changes nothing.
    expect(await acct(interim)).toMatch(/Received Accounting-Response/);
    const [row] = await db
      .select()
      .from(accountingSessions)
      .where(eq(accountingSessions.acctSessionId, "sess-1"));
    expect(row).toMatchObject({
      username: "alice",
      framedIp: "100.64.0.10",
      sessionSeconds: 120,
      inputOctets: 2000,
      outputOctets: 2 * 2 ** 32 + 7000,
      terminateCause: "User-Request",
    });
    expect(row?.stoppedAt).toBeInstanceOf(Date);
    expect(row?.subscriberId).toBeTruthy();
  });

  it("runs as its own process, configured from the environment", async () => {
    const [auth, acctPort, metrics] = await freePorts(3);
    const child = spawn(process.execPath, [join(repoRoot, "apps/radius/bin/dotmac-radius.js"), "serve"], {
      env: {
        ...process.env,
        DATABASE_URL: t.url,
        TENANT_SECRETS_KEY: Buffer.alloc(32, 3).toString("base64"),
        RADIUS_HOST: "127.0.0.1",
        RADIUS_AUTH_PORT: String(auth),
        RADIUS_ACCT_PORT: String(acctPort),
        RADIUS_METRICS_PORT: String(metrics),
        LOG_LEVEL: "error",
      },
      stdio: "ignore",
    });
    try {
      for (let i = 0; i < 100; i++) {
        if (
          await fetch(`http://127.0.0.1:${metrics}/healthz`).then(
            (r) => r.ok,
            () => false,
          )
        )
          break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(
        await radclient(auth as number, "auth", SECRET, 'User-Name = "alice", User-Password = "alice-pw"'),
      ).toMatch(/Received Access-Accept/);
    } finally {
      child.kill("SIGTERM");
    }
  });

  it("closes every open session of a NAS on Accounting-On", async () => {
    await acct('Acct-Status-Type = Start, Acct-Session-Id = "sess-2", User-Name = "alice"');
    expect(await acct("Acct-Status-Type = Accounting-On, NAS-IP-Address = 127.0.0.1")).toMatch(
      /Received Accounting-Response/,
    );
    const open = (await db.select().from(accountingSessions)).filter((s) => s.stoppedAt === null);
    expect(open).toEqual([]);
  });

  it("follows staff's changes to a NAS at once (notified), not at the next periodic reload", async () => {
    const alice = 'User-Name = "alice", User-Password = "alice-pw"';
    const drops = async (reason: string) => {
      const text = await (await fetch(`http://127.0.0.1:${radius.metricsPort}/metrics`)).text();
      return Number(
        new RegExp(`dotmac_radius_dropped_total\\{reason="${reason}"\\} (\\d+)`).exec(text)?.[1] ?? 0,
      );
    };
    const change = (values: Partial<typeof nasClients.$inferInsert>) =>
      db.update(nasClients).set(values).where(eq(nasClients.id, nasId));
    // The periodic reload runs every 60 s; each of these must land within a few seconds.
    const soon = { timeout: 8000, interval: 200 };

    const rotated = "rotated-nas-secret-2";
    await change({ secretEncrypted: box.seal(rotated, sealedFor.nasSecret(nasId)) });
    await expect.poll(() => auth(alice, rotated), soon).toMatch(/Received Access-Accept/);
    // Signed (Message-Authenticator) so that the old secret is detectable at all.
    const bad = await drops("bad_authenticator");
    expect(await auth(`${alice}, Message-Authenticator = 0x00`)).not.toMatch(/Received/);
    expect(await drops("bad_authenticator")).toBe(bad + 1);

    await change({ network: "192.0.2.0/24" });
    const unknown = await drops("unknown_source");
    await expect.poll(() => auth(alice, rotated), soon).not.toMatch(/Received/);
    expect(await drops("unknown_source")).toBeGreaterThan(unknown);

    await change({ network: "127.0.0.1/32", secretEncrypted: box.seal(SECRET, sealedFor.nasSecret(nasId)) });
    await expect.poll(() => auth(alice), soon).toMatch(/Received Access-Accept/);
  });
});
