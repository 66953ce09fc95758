// Long file: the customer portal's API on one database and one Mailpit, started once; two subscribers, each trying the other's records.
import { devkitEnv, type Mailpit, type StripeMock, startMailpit, startStripeMock } from "@dotmac/devkit";
import { auditLogs, customerCredentials, customerLinks } from "@dotmac/tenant-db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stripeGateway } from "../src/server/billing/gateway.ts";
import { type Json, PUBLIC_URL, pdfText, startApi } from "./harness.ts";
import { portalSubscriber } from "./portal-customers.ts";

describe("the customer portal's accounts and tickets", () => {
  let h: Awaited<ReturnType<typeof startApi>>;
  let mailpit: Mailpit;
  let stripe: StripeMock;
  let ada: { id: string; account: number; cookie: Record<string, string> };
  let alan: { id: string; account: number; cookie: Record<string, string> };
  const PASSWORD = "ada's long portal password";
  const portal = (
    path: string,
    cookie: Record<string, string> | undefined,
    init: { method?: string; json?: unknown } = {},
  ) => h.call(`/portal${path}`, { ...init, ...(cookie ? { cookie } : {}) });
  const linkIn = async (to: string) => {
    const mails = (await mailpit.messages()).filter((m) => m.to.includes(to));
    // Always on the tenant's own address, whatever Host the request named.
    const token = mails
      .at(-1)
      ?.text.match(new RegExp(`${PUBLIC_URL}/portal/set-password\\?token=(dml_[A-Za-z0-9_-]+)`))?.[1];
    expect(token, `a link mailed to ${to}`).toBeDefined();
    return token ?? "";
  };
  const signIn = async (identifier: string, password: string) => {
    const res = await portal("/auth/login", undefined, { method: "POST", json: { identifier, password } });
    return { ...res, cookie: { cookie: (res.setCookie ?? "").split(";")[0] ?? "" } };
  };
  const subscriber = async (name: string, email: string) => ({
    ...(await portalSubscriber(h, name, email)),
    cookie: {} as Record<string, string>,
  });

  beforeAll(async () => {
    h = await startApi();
    [mailpit, stripe] = await Promise.all([startMailpit(devkitEnv()), startStripeMock(devkitEnv())]);
    h.mailThrough(mailpit.smtpUrl);
    ada = await subscriber("Ada Lovelace", "ada@portal.test");
    alan = await subscriber("Alan Turing", "alan@portal.test");
  });
  afterAll(async () => {
    await Promise.all([mailpit?.stop(), stripe?.stop()]);
    await h?.stop();
  });

  it("sets a password from the link staff mail, once, and signs in by account number or e-mail", async () => {
    const invite = await h.call(`/subscribers/${ada.id}/portal-invite`, { method: "POST", cookie: h.admin });
    expect(invite.status, JSON.stringify(invite.body)).toBe(200);
    expect(invite.body).toEqual({ sentTo: "ada@portal.test" });
    const token = await linkIn("ada@portal.test");
    const [stored] = await h.db.select().from(customerLinks).where(eq(customerLinks.subscriberId, ada.id));
    expect(JSON.stringify(stored)).not.toContain(token);
    expect((await signIn(String(ada.account), PASSWORD)).status).toBe(401);
    const short = await portal("/auth/password", undefined, {
      method: "POST",
      json: { token, password: "short" },
    });
    expect(short.status).toBe(400);
    expect(short.body.errors[0].path).toBe("password");
    const set = await portal("/auth/password", undefined, {
      method: "POST",
      json: { token, password: PASSWORD },
    });
    expect(set.status).toBe(204);
    const again = await portal("/auth/password", undefined, {
      method: "POST",
      json: { token, password: "another long password" },
    });
    expect(again.status).toBe(400);
    expect(again.body.errors[0]).toMatchObject({ path: "token" });
    const [credential] = await h.db
      .select()
      .from(customerCredentials)
      .where(eq(customerCredentials.subscriberId, ada.id));
    expect(credential?.passwordHash).not.toContain(PASSWORD);
    const byNumber = await signIn(String(ada.account), PASSWORD);
    expect(byNumber.status).toBe(200);
    expect(byNumber.setCookie).toMatch(/^__Host-dotmac_customer=dmc_.+HttpOnly.+SameSite=Strict/i);
    const byMail = await signIn("ADA@portal.test", PASSWORD);
    expect(byMail.status).toBe(200);
    ada.cookie = byMail.cookie;
    const service = await portal("/service", ada.cookie);
    expect(service.body).toMatchObject({
      accountNumber: ada.account,
      name: "Ada Lovelace",
      status: "pending",
      online: null,
    });
    const actions = await h.db
      .select({ action: auditLogs.action, actorType: auditLogs.actorType })
      .from(auditLogs)
      .where(eq(auditLogs.targetId, ada.id));
    expect(actions).toEqual(
      expect.arrayContaining([
        { action: "customer.password_link", actorType: "staff" },
        { action: "customer.password_set", actorType: "subscriber" },
        { action: "customer.login", actorType: "subscriber" },
      ]),
    );
  });

  it("mails a reset link on request without saying whether the account exists; a new link replaces the old", async () => {
    const before = (await mailpit.messages()).length;
    const unknown = await portal("/auth/password-link", undefined, {
      method: "POST",
      json: { identifier: "999999999" },
    });
    expect(unknown.status).toBe(202);
    expect((await mailpit.messages()).length).toBe(before);
    for (let i = 0; i < 2; i++) {
      // Whoever asks names the host; the link is on the tenant's own address all the same.
      const asked = await h.call("/portal/auth/password-link", {
        method: "POST",
        json: { identifier: String(alan.account) },
        headers: { host: "evil.example", "x-forwarded-host": "evil.example" },
      });
      expect(asked.status).toBe(202);
    }
    const links = await h.db.select().from(customerLinks).where(eq(customerLinks.subscriberId, alan.id));
    expect(links.filter((l) => l.usedAt === null)).toHaveLength(1);
    // A reset link lasts an hour.
    const live = links.find((l) => l.usedAt === null);
    expect((live?.expiresAt.getTime() ?? 0) - Date.now()).toBeLessThanOrEqual(3600_000);
    const token = await linkIn("alan@portal.test");
    expect(
      (
        await portal("/auth/password", undefined, {
          method: "POST",
          json: { token, password: "alan's portal password" },
        })
      ).status,
    ).toBe(204);
    const signedIn = await signIn("alan@portal.test", "alan's portal password");
    expect(signedIn.status).toBe(200);
    alan.cookie = signedIn.cookie;
    // An expired link does nothing.
    await portal("/auth/password-link", undefined, {
      method: "POST",
      json: { identifier: "alan@portal.test" },
    });
    const expired = await linkIn("alan@portal.test");
    await h.db
      .update(customerLinks)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(customerLinks.subscriberId, alan.id));
    expect(
      (
        await portal("/auth/password", undefined, {
          method: "POST",
          json: { token: expired, password: "a third long password" },
        })
      ).status,
    ).toBe(400);
  });

  it("opens a ticket, follows the public thread without internal notes, and reopens it by replying", async () => {
    const opened = await portal("/tickets", ada.cookie, {
      method: "POST",
      json: {
        subject: "No internet since noon",
        category: "connectivity",
        body: "All lights are green but nothing loads.",
      },
    });
    expect(opened.status, JSON.stringify(opened.body)).toBe(201);
    const id = opened.body.id as string;
    const staffView = (await h.call(`/tickets/${id}`, { cookie: h.admin })).body;
    expect(staffView).toMatchObject({ subscriberName: "Ada Lovelace", priority: "normal", status: "open" });
    expect(staffView.messages[0]).toMatchObject({
      authorType: "subscriber",
      authorName: "Ada Lovelace",
      mailed: null,
    });
    await h.call(`/tickets/${id}/messages`, {
      method: "POST",
      cookie: h.admin,
      json: { body: "OLT-3 card swap at 15:00.", internal: true },
    });
    await h.call(`/tickets/${id}/messages`, {
      method: "POST",
      cookie: h.admin,
      json: { body: "A card in our exchange failed; please restart your router.", status: "pending" },
    });
    const mine = (await portal(`/tickets/${id}`, ada.cookie)).body;
    expect(mine.status).toBe("pending");
    expect(mine.messages.map((m: Json) => m.authorType)).toEqual(["subscriber", "staff"]);
    expect(JSON.stringify(mine)).not.toContain("OLT-3");
    expect(JSON.stringify((await portal("/tickets", ada.cookie)).body)).not.toContain("OLT-3");
    const replied = await portal(`/tickets/${id}/messages`, ada.cookie, {
      method: "POST",
      json: { body: "Restarted: it works now, thanks." },
    });
    expect(replied.body).toEqual({ id: expect.any(String), status: "open" });
    const [entry] = await h.db
      .select()
      .from(auditLogs)
      .where(
        sql`${auditLogs.targetId} = ${id} and ${auditLogs.actorType} = 'subscriber' and ${auditLogs.action} = 'ticket.reply'`,
      );
    expect(entry).toMatchObject({ actorId: ada.id, before: { status: "pending" } });
  });

  it("never shows a subscriber another's ticket: every route answers 404 for a swapped id, and changes nothing", async () => {
    const theirs = await portal("/tickets", alan.cookie, {
      method: "POST",
      json: { subject: "Alan's own", category: "billing", body: "Why two charges?" },
    });
    const id = theirs.body.id as string;
    expect((await portal(`/tickets/${id}`, ada.cookie)).status).toBe(404);
    expect(
      (await portal(`/tickets/${id}/messages`, ada.cookie, { method: "POST", json: { body: "Hijack" } }))
        .status,
    ).toBe(404);
    expect((await portal("/tickets", ada.cookie)).body.items.map((t: Json) => t.id)).not.toContain(id);
    const thread = (await portal(`/tickets/${id}`, alan.cookie)).body.messages;
    expect(thread).toHaveLength(1);
    expect((await portal("/service", alan.cookie)).body.accountNumber).toBe(alan.account);
  });

  it("shows a subscriber their own invoices and balance, their PDFs, and takes a card payment for what is open", async () => {
    const bill = async (subscriberId: string, unitMinor: number) => {
      const res = await h.call("/invoices", {
        method: "POST",
        cookie: h.admin,
        json: { subscriberId, lines: [{ description: "Installation", unitMinor }] },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    };
    const adas = await bill(ada.id, 4900);
    const alans = await bill(alan.id, 9900);
    const list = (await portal("/invoices", ada.cookie)).body;
    expect(list.items.map((i: Json) => i.id)).toEqual([adas]);
    expect(list).toMatchObject({ balanceMinor: 4900, currency: "EUR" });
    expect(list.items[0]).toMatchObject({ openMinor: 4900, status: "issued" });
    const pdf = await h.api.request(`/api/v1/portal/invoices/${adas}/pdf`, { headers: ada.cookie });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
    expect(
      (await h.api.request(`/api/v1/portal/invoices/${alans}/pdf`, { headers: ada.cookie })).status,
    ).toBe(404);
    const pay = (id: string) => portal(`/invoices/${id}/checkout`, ada.cookie, { method: "POST" });
    expect((await pay(adas)).status).toBe(503);
    const gateway = stripeGateway({
      secretKey: "sk_test_portal",
      webhookSecret: "whsec_portal",
      apiUrl: stripe.url,
    });
    const returns: string[] = [];
    h.acceptCards({
      ...gateway,
      checkout: (input) => {
        returns.push(input.returnUrl);
        return gateway.checkout(input);
      },
    });
    expect((await pay(alans)).status).toBe(404);
    const page = await pay(adas);
    expect(page.status, JSON.stringify(page.body)).toBe(201);
    expect(page.body.url).toMatch(/^https?:\/\//);
    // Stripe sends the payer back to the tenant's own address.
    expect(returns).toEqual([`${PUBLIC_URL}/portal/invoices`]);
    const [entry] = await h.db
      .select()
      .from(auditLogs)
      .where(sql`${auditLogs.targetId} = ${adas} and ${auditLogs.action} = 'invoice.checkout'`);
    expect(entry).toMatchObject({ actorType: "subscriber", actorId: ada.id, after: { amountMinor: 4900 } });
    expect((await portal("/invoices", alan.cookie)).body.items.map((i: Json) => i.id)).toEqual([alans]);

    // Paid at the counter, more than was open: the receipt says what it paid and what it kept.
    const paid = await h.call("/payments", {
      method: "POST",
      cookie: h.admin,
      json: { subscriberId: ada.id, amountMinor: 6000, currency: "EUR", method: "cash", reference: "till 4" },
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    const [payment] = (await portal("/invoices", ada.cookie)).body.payments;
    const number = list.items[0].number;
    expect(payment).toMatchObject({
      method: "cash",
      amountMinor: 6000,
      invoiceNumbers: [number],
      creditMinor: 1100,
      refundedMinor: 0,
    });
    expect((await portal("/invoices", alan.cookie)).body.payments).toEqual([]);
    const receipt = await h.api.request(`/api/v1/portal/payments/${payment.id}/receipt`, {
      headers: ada.cookie,
    });
    expect([receipt.status, receipt.headers.get("content-type")]).toEqual([200, "application/pdf"]);
    const text = await pdfText(await receipt.arrayBuffer());
    expect(text).toContain("Payment receipt");
    expect(text).toContain("Ada Lovelace");
    expect(text).toContain("Paid by: cash (till 4)");
    expect(text).toMatch(/Amount received 60\.00 EUR/);
    expect(text).toMatch(new RegExp(`Paid on invoice ${number} 49\\.00 EUR`));
    expect(text).toMatch(/Kept as credit 11\.00 EUR/);
    // Another's receipt is no receipt; staff open any.
    const receiptOf = (id: string, cookie: Record<string, string>) =>
      h.api.request(`/api/v1/portal/payments/${id}/receipt`, { headers: cookie });
    expect((await receiptOf(payment.id, alan.cookie)).status).toBe(404);
    expect((await receiptOf("not-an-id", ada.cookie)).status).toBe(404);
    const staffCopy = await h.api.request(`/api/v1/payments/${payment.id}/receipt`, { headers: h.admin });
    expect(staffCopy.status).toBe(200);
  });

  it("keeps the two apps' sessions apart, and refuses bad input and guessing", async () => {
    // A staff session is not a portal session, nor the other way round.
    expect((await portal("/service", h.admin)).status).toBe(401);
    expect((await h.call("/subscribers", { cookie: ada.cookie })).status).toBe(401);
    expect((await portal("/service", undefined)).status).toBe(401);
    const bad = await portal("/tickets", ada.cookie, {
      method: "POST",
      json: { subject: "", category: "weather", body: "x" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: Json) => e.path).sort()).toEqual(["category", "subject"]);
    expect((await portal("/tickets/not-an-id", ada.cookie)).status).toBe(404);
    // Staff cannot invite a subscriber without an e-mail address, nor anyone who does not exist.
    const noMail = await h.call("/subscribers", {
      method: "POST",
      cookie: h.admin,
      json: {
        name: "No Mail",
        serviceAddress: "2 Portal Way",
        username: `nomail-${Date.now()}`,
        password: "router-pass",
      },
    });
    const refused = await h.call(`/subscribers/${noMail.body.id}/portal-invite`, {
      method: "POST",
      cookie: h.admin,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/no e-mail address/);
    expect(
      (await h.call(`/subscribers/${crypto.randomUUID()}/portal-invite`, { method: "POST", cookie: h.admin }))
        .status,
    ).toBe(404);
    // Ten wrong passwords and the account waits, the right one included.
    for (let i = 0; i < 10; i++) expect((await signIn(String(ada.account), `wrong ${i}`)).status).toBe(401);
    const locked = await signIn(String(ada.account), PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.retryAfter)).toBeGreaterThan(0);
    // A set-password ends every session: the old cookie no longer works.
    await h.call(`/subscribers/${ada.id}/portal-invite`, { method: "POST", cookie: h.admin });
    const token = await linkIn("ada@portal.test");
    await portal("/auth/password", undefined, {
      method: "POST",
      json: { token, password: "ada's second password" },
    });
    expect((await portal("/service", ada.cookie)).status).toBe(401);
  });
});
