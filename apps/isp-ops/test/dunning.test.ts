// Long file: the dunning ladder on one database with one RADIUS server and NAS peer, started once; the cases are its steps in order.
import { createSocket } from "node:dgram";
import { mkdtemp } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  devkitEnv,
  freePort,
  type Mailpit,
  type RadiusProcess,
  radclient,
  repoRoot,
  startMailpit,
  startRadiusProcess,
} from "@dotmac/devkit";
import { auditLogs, dunningEvents, invoiceDeliveries, invoices, subscribers } from "@dotmac/tenant-db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, prorate } from "../src/server/billing/money.ts";
import { type Json, startApi } from "./harness.ts";

const radius = createRequire(import.meta.url)("radius") as {
  add_dictionary(path: string): void;
  decode(a: { packet: Buffer; secret: string }): { code: string; attributes: Record<string, Json> };
  encode_response(a: { packet: unknown; code: string; secret: string; attributes?: unknown[] }): Buffer;
};
radius.add_dictionary(join(repoRoot, "apps/radius/dictionaries/dictionary.mikrotik"));

const NAS_SECRET = "bng-dunning-secret";

/**
 * Dunning on real parts: the isp-ops API on Postgres, the tenant's RADIUS server as its own
 * process (`dotmac-radius serve`), Debian's radclient as the subscriber's router logging in and
 * as the BNG's accounting, and a BNG that answers RFC 5176 CoA and Disconnect requests on UDP.
 */
describe("dunning that acts on the network", () => {
  let h: Awaited<ReturnType<typeof startApi>>;
  let server: RadiusProcess | undefined;
  let mailpit: Mailpit | undefined;
  const bng = createSocket("udp4");
  /** What the BNG received: code, user, the session and the MikroTik address list asked for. */
  const received: { code: string; user: string; session: string; addressList: string | undefined }[] = [];
  /** Users whose CoA the BNG cannot apply (it NAKs, as a BNG without CoA support does). */
  const refusesCoa = new Set<string>();
  let planId: string;

  const asAdmin = (path: string, method = "GET", json?: unknown) =>
    h.call(path, { method, cookie: h.admin, ...(json !== undefined ? { json } : {}) });
  const login = (user: string) =>
    radclient(
      server?.authPort ?? 0,
      "auth",
      NAS_SECRET,
      `User-Name = "${user}", User-Password = "${user}-router-pw", NAS-IP-Address = 127.0.0.1`,
    );
  const accounting = (user: string, status: "Start" | "Stop") =>
    radclient(
      server?.acctPort ?? 0,
      "acct",
      NAS_SECRET,
      `Acct-Status-Type = ${status}, Acct-Session-Id = "pppoe-${user}", User-Name = "${user}", NAS-IP-Address = 127.0.0.1, Framed-IP-Address = 100.64.7.${received.length + 10}`,
    );
  const dun = async (asOf: string) => {
    const run = await asAdmin("/billing/dunning-runs", "POST", { asOf });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    return run.body as { steps: number; restored: number };
  };
  const stateOf = async (id: string) => (await asAdmin(`/subscribers/${id}/dunning`)).body as Json;
  const statusOf = async (id: string) =>
    (await h.db.select({ status: subscribers.status }).from(subscribers).where(eq(subscribers.id, id)))[0]
      ?.status;
  const sentTo = (user: string) => received.filter((r) => r.user === user);
  const mailTo = async (user: string) =>
    (await mailpit?.messages())?.filter((m) => m.to.includes(`${user}@home.test`)) ?? [];

  /** An active subscriber on the plan with an open session, billed today: their first invoice. */
  const billedSubscriber = async (user: string) => {
    const created = await asAdmin("/subscribers", "POST", {
      name: user,
      serviceAddress: "9 Dunning Lane",
      email: `${user}@home.test`,
      planId,
      username: user,
      password: `${user}-router-pw`,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    expect((await asAdmin(`/subscribers/${id}/status`, "POST", { to: "active" })).status).toBe(200);
    expect(await accounting(user, "Start")).toMatch(/Received Accounting-Response/);
    expect((await asAdmin("/billing/runs", "POST", {})).status).toBe(200);
    const [invoice] = await h.db
      .select({
        id: invoices.id,
        dueOn: invoices.dueOn,
        total: invoices.totalMinor,
        start: invoices.periodStart,
        end: invoices.periodEnd,
      })
      .from(invoices)
      .where(eq(invoices.subscriberId, id));
    if (!invoice?.dueOn || !invoice.start || !invoice.end) throw new Error(`no invoice for ${user}`);
    const period = { start: invoice.start, end: invoice.end };
    return { id, invoiceId: invoice.id, dueOn: invoice.dueOn, total: invoice.total, period };
  };

  beforeAll(async () => {
    h = await startApi();
    bng.on("message", (packet, peer) => {
      const request = radius.decode({ packet, secret: NAS_SECRET });
      const user = String(request.attributes["User-Name"]);
      received.push({
        code: request.code,
        user,
        session: String(request.attributes["Acct-Session-Id"]),
        addressList: request.attributes["Vendor-Specific"]?.["Mikrotik-Address-List"],
      });
      const kind = request.code.replace("-Request", "");
      const nak = kind === "CoA" && refusesCoa.has(user);
      bng.send(
        radius.encode_response({
          packet: request,
          code: `${kind}-${nak ? "NAK" : "ACK"}`,
          secret: NAS_SECRET,
        }),
        peer.port,
        peer.address,
      );
    });
    await new Promise<void>((r) => bng.bind(0, "127.0.0.1", () => r()));
    server = await startRadiusProcess(
      "radius-dunning-test",
      { DATABASE_URL: h.t.url, TENANT_SECRETS_KEY: h.secretsKey, LOG_LEVEL: "error" },
      join(await mkdtemp(join(tmpdir(), "radius-")), "radius.log"),
    );
    h.routeThroughRadius(`http://127.0.0.1:${server.controlPort}`);
    mailpit = await startMailpit(devkitEnv());
    h.mailThrough(mailpit.smtpUrl);
    const nas = await asAdmin("/nas", "POST", {
      name: "bng-1",
      network: "127.0.0.1/32",
      secret: NAS_SECRET,
      coaPort: bng.address().port,
      requireMessageAuthenticator: false,
    });
    expect(nas.status, JSON.stringify(nas.body)).toBe(201);
    const plan = await asAdmin("/plans", "POST", {
      name: "Fibre 50",
      downloadKbps: 50_000,
      uploadKbps: 10_000,
      priceMinor: 3000,
      currency: "EUR",
    });
    planId = plan.body.id;
  });
  afterAll(async () => {
    await server?.service.stop();
    await mailpit?.stop();
    bng.close();
    await h?.stop();
  });

  it("reminds, notifies, walls in, suspends in the policy's order, once each, and restores on payment", async () => {
    const ada = await billedSubscriber("ada");
    expect(await login("ada")).toMatch(/Received Access-Accept/);

    expect(await dun(addDays(ada.dueOn, -4))).toMatchObject({ steps: 0 });
    expect(await dun(addDays(ada.dueOn, -3))).toMatchObject({ steps: 1 });
    expect(await dun(addDays(ada.dueOn, 1))).toMatchObject({ steps: 1 });
    expect((await stateOf(ada.id)).events.map((e: Json) => e.kind)).toEqual(["notice", "reminder"]);
    expect(received).toEqual([]);
    // Each step mailed Ada, in the tenant's name and colours, naming the invoice and what is open.
    const [invoiceMail, reminder, notice] = await mailTo("ada");
    // The invoice itself came first, its PDF attached.
    expect(invoiceMail?.subject).toMatch(/^Invoice INV-\d{4}-\d+ from Fibre Test$/);
    expect(invoiceMail?.attachments).toEqual([
      expect.objectContaining({
        fileName: expect.stringMatching(/^INV-.*\.pdf$/),
        contentType: "application/pdf",
      }),
    ]);
    const [number] = (reminder?.subject.match(/INV-\d{4}-\d+/) ?? []) as string[];
    expect(reminder).toMatchObject({
      from: "billing@fibre.test",
      subject: `Invoice ${number} is due on ${ada.dueOn}`,
      messageId: `dunning-reminder-${ada.invoiceId}@fibre.dotmac`,
    });
    expect(reminder?.text).toContain(`invoice ${number} (30.00 EUR) is due on ${ada.dueOn}`);
    expect(reminder?.html).toContain("background:#0057b8");
    expect(reminder?.html).toContain("Fibre Test");
    expect(notice?.subject).toBe(`Invoice ${number} is past due`);
    const [event] = (await stateOf(ada.id)).events;
    expect(event.detail.mail).toMatch(/^sent to ada@home\.test/);

    // Seven days past due: the live session is moved into the walled garden by CoA, and a new
    // login is accepted with the walled-garden address list (and the plan's speeds).
    expect(await dun(addDays(ada.dueOn, 7))).toMatchObject({ steps: 1 });
    expect(sentTo("ada")).toEqual([
      { code: "CoA-Request", user: "ada", session: "pppoe-ada", addressList: "walled-garden" },
    ]);
    const walled = await login("ada");
    expect(walled).toMatch(/Received Access-Accept/);
    expect(walled).toMatch(/Mikrotik-Address-List = "walled-garden"/);
    expect(walled).toMatch(/Mikrotik-Rate-Limit = "10M\/50M"/);
    expect((await stateOf(ada.id)).walledGardenSince).not.toBeNull();
    expect((await mailTo("ada")).at(-1)?.subject).toMatch(/^Your internet access is limited: invoice INV-/);

    // Run again the same day: nothing is done twice, nothing is sent again.
    expect(await dun(addDays(ada.dueOn, 7))).toMatchObject({ steps: 0 });
    expect(sentTo("ada")).toHaveLength(1);

    // Fourteen days: suspended through the lifecycle, the session ended by Disconnect-Request.
    expect(await dun(addDays(ada.dueOn, 14))).toMatchObject({ steps: 1 });
    expect(sentTo("ada")[1]).toMatchObject({ code: "Disconnect-Request", session: "pppoe-ada" });
    expect(await statusOf(ada.id)).toBe("suspended");
    expect(await login("ada")).toMatch(/Received Access-Reject/);
    expect(await accounting("ada", "Stop")).toMatch(/Received Accounting-Response/);
    expect((await stateOf(ada.id)).suspendedByDunning).toBe(true);
    // Suspended days are not charged: the rest of the period is credited from the suspension's day.
    const owed = (await asAdmin(`/subscribers/${ada.id}/billing`)).body.balanceMinor as number;
    expect(ada.total - owed).toBe(prorate(ada.total, ada.period, addDays(ada.dueOn, 14), ada.period.end));
    expect(owed).toBeGreaterThan(100);

    // Paying part leaves the suspension; paying the rest lifts it and the walled garden.
    const pay = (amountMinor: number) =>
      asAdmin("/payments", "POST", {
        subscriberId: ada.id,
        amountMinor,
        currency: "EUR",
        method: "bank_transfer",
      });
    expect((await pay(owed - 100)).status).toBe(201);
    expect(await statusOf(ada.id)).toBe("suspended");
    expect((await pay(100)).status).toBe(201);
    expect(await statusOf(ada.id)).toBe("active");
    // The invoice, four notices, then a receipt for each payment: none sent twice.
    const mails = await mailTo("ada");
    expect(mails.map((m) => m.subject.replace(/INV-\S+ /, "").split(":")[0])).toEqual([
      "Invoice from Fibre Test",
      `Invoice is due on ${ada.dueOn}`,
      "Invoice is past due",
      "Your internet access is limited",
      "Your service is suspended",
      `Receipt for your payment of ${((owed - 100) / 100).toFixed(2)} EUR`,
      "Receipt for your payment of 1.00 EUR",
    ]);
    const restored = await login("ada");
    expect(restored).toMatch(/Received Access-Accept/);
    expect(restored).not.toMatch(/walled-garden/);
    const state = await stateOf(ada.id);
    expect(state).toMatchObject({ walledGardenSince: null, suspendedByDunning: false, daysOverdue: null });
    expect(state.events.map((e: Json) => e.kind)).toEqual([
      "restore",
      "suspend",
      "walled_garden",
      "notice",
      "reminder",
    ]);

    // Every step is in the audit log; the ledger of dunning refuses to be rewritten.
    const audited = await h.db
      .select({ action: auditLogs.action })
      .from(auditLogs)
      .where(sql`${auditLogs.targetId} = ${ada.id} and ${auditLogs.action} like 'dunning.%'`);
    expect(audited.map((a) => a.action).sort()).toEqual(
      [
        "dunning.notice",
        "dunning.reminder",
        "dunning.restore",
        "dunning.suspend",
        "dunning.walled_garden",
      ].sort(),
    );
    await expect(
      h.db.delete(dunningEvents).where(eq(dunningEvents.subscriberId, ada.id)),
    ).rejects.toMatchObject({
      cause: { message: "dunning_events is append-only: DELETE refused" },
    });
  });

  it("moves a live session out of the walled garden by CoA on payment, and ends it where the BNG refuses the CoA", async () => {
    const bob = await billedSubscriber("bob");
    const _cara = await billedSubscriber("cara");
    refusesCoa.add("cara");
    await dun(addDays(bob.dueOn, 7));
    expect(sentTo("bob")).toEqual([
      { code: "CoA-Request", user: "bob", session: "pppoe-bob", addressList: "walled-garden" },
    ]);
    // The BNG cannot change cara's session: it is ended, and the next login lands in the walled garden.
    expect(sentTo("cara").map((r) => r.code)).toEqual(["CoA-Request", "Disconnect-Request"]);
    expect(await login("cara")).toMatch(/Mikrotik-Address-List = "walled-garden"/);

    const paid = await asAdmin("/payments", "POST", {
      subscriberId: bob.id,
      amountMinor: bob.total,
      currency: "EUR",
      method: "cash",
    });
    expect(paid.status).toBe(201);
    // Back to the plan's own attributes (no walled-garden list), live, without reconnecting.
    expect(sentTo("bob")[1]).toEqual({
      code: "CoA-Request",
      user: "bob",
      session: "pppoe-bob",
      addressList: undefined,
    });
    expect(await statusOf(bob.id)).toBe("active");
    expect((await stateOf(bob.id)).walledGardenSince).toBeNull();
  });

  it("refuses a policy out of order, an empty walled garden and a bad pause, changing nothing", async () => {
    const before = (await asAdmin("/billing/settings")).body;
    const outOfOrder = await asAdmin("/billing/settings", "PATCH", {
      dunningPolicy: [
        { daysOverdue: 10, action: "walled_garden" },
        { daysOverdue: 5, action: "suspend" },
      ],
    });
    expect([outOfOrder.status, outOfOrder.body.errors]).toEqual([
      400,
      [{ path: "dunningPolicy.1.daysOverdue", message: "suspend comes before a milder step" }],
    ]);
    const twice = await asAdmin("/billing/settings", "PATCH", {
      dunningPolicy: [
        { daysOverdue: 1, action: "notice" },
        { daysOverdue: 2, action: "notice" },
      ],
    });
    expect(twice.body.errors).toEqual([
      { path: "dunningPolicy.1.action", message: "notice is in the policy twice" },
    ]);
    const empty = await asAdmin("/billing/settings", "PATCH", { walledGardenAttributes: {} });
    expect(empty.body.errors[0].path).toBe("walledGardenAttributes");
    const unknown = await asAdmin("/billing/settings", "PATCH", {
      walledGardenAttributes: { "Cisco-AVPair": "x" },
    });
    expect(unknown.status).toBe(400);
    const id = (await h.db.select({ id: subscribers.id }).from(subscribers).limit(1))[0]?.id;
    const badPause = await asAdmin(`/subscribers/${id}/dunning`, "PUT", { until: "next week" });
    expect([badPause.status, badPause.body.errors[0].path]).toEqual([400, "until"]);
    expect(
      (await asAdmin(`/subscribers/${crypto.randomUUID()}/dunning`, "PUT", { until: null })).status,
    ).toBe(404);
    expect((await asAdmin("/billing/settings")).body).toEqual(before);

    // A tenant's own walled garden: its attributes are what RADIUS sends from the next login on.
    const changed = await asAdmin("/billing/settings", "PATCH", {
      walledGardenAttributes: { "Mikrotik-Address-List": "unpaid", "Mikrotik-Group": "captive" },
    });
    expect(changed.status).toBe(200);
    const caraLogin = await login("cara");
    expect(caraLogin).toMatch(/Mikrotik-Address-List = "unpaid"/);
    expect(caraLogin).toMatch(/Mikrotik-Group = "captive"/);
  });

  it("leaves a subscriber staff paused alone until the day after the pause", async () => {
    const dee = await billedSubscriber("dee");
    const pause = await asAdmin(`/subscribers/${dee.id}/dunning`, "PUT", {
      until: addDays(dee.dueOn, 20),
      reason: "promised to pay on the 20th",
    });
    expect(pause.status, JSON.stringify(pause.body)).toBe(200);
    expect(pause.body.pausedUntil).toBe(addDays(dee.dueOn, 20));
    await dun(addDays(dee.dueOn, 15));
    expect(await statusOf(dee.id)).toBe("active");
    expect((await stateOf(dee.id)).events).toEqual([]);
    expect(sentTo("dee")).toEqual([]);
    // The day after, every step that is due is taken, in order.
    await dun(addDays(dee.dueOn, 21));
    expect((await stateOf(dee.id)).events.map((e: Json) => e.kind)).toEqual([
      "suspend",
      "walled_garden",
      "notice",
      "reminder",
    ]);
    expect(await statusOf(dee.id)).toBe("suspended");
  });

  it("mails each invoice once, and leaves them for the next run while the relay is down", async () => {
    h.mailThrough(`smtp://127.0.0.1:${await freePort()}`);
    const eve = await billedSubscriber("eve");
    expect(await mailTo("eve")).toEqual([]);
    expect(
      await h.db.select().from(invoiceDeliveries).where(eq(invoiceDeliveries.invoiceId, eve.invoiceId)),
    ).toEqual([]);
    h.mailThrough(mailpit?.smtpUrl ?? "");
    for (let run = 0; run < 2; run++) expect((await asAdmin("/billing/runs", "POST", {})).status).toBe(200);
    const mails = await mailTo("eve");
    expect(mails.map((m) => m.subject)).toEqual([expect.stringMatching(/^Invoice INV-.* from Fibre Test$/)]);
    const [delivery] = await h.db
      .select()
      .from(invoiceDeliveries)
      .where(eq(invoiceDeliveries.invoiceId, eve.invoiceId));
    expect(delivery?.outcome).toMatch(/^sent to eve@home\.test/);
  });

  it("sends a test message from the billing settings through the relay, and says so when the relay is down", async () => {
    h.mailThrough(`smtp://127.0.0.1:${await freePort()}`);
    const down = await asAdmin("/billing/mail-test", "POST", { to: "ops@home.test" });
    expect([down.status, down.body.detail]).toEqual([502, expect.stringMatching(/^the mail relay refused/)]);
    h.mailThrough(mailpit?.smtpUrl ?? "");
    const sent = await asAdmin("/billing/mail-test", "POST", { to: "ops@home.test" });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const [message] = await mailTo("ops");
    expect(message).toMatchObject({ from: "billing@fibre.test", subject: "Test message from Fibre Test" });
    const audited = await h.db.select().from(auditLogs).where(eq(auditLogs.action, "billing.mail_test"));
    expect(audited.map((a) => a.after)).toEqual([{ to: "ops@home.test", messageId: sent.body.messageId }]);
  });
});
