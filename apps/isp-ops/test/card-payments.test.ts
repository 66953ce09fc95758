import { checkoutCompleted, devkitEnv, freePort, type StripeMock, startStripeMock } from "@dotmac/devkit";
import { payments } from "@dotmac/tenant-db";
import { eq } from "drizzle-orm";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stripeGateway } from "../src/server/billing/gateway.ts";
import { type Json, startApi } from "./harness.ts";

const WEBHOOK_SECRET = "whsec_dotmac_test_endpoint";
const signer = new Stripe("sk_test_signer");

/**
 * Card payments through Stripe Checkout, the SDK talking to stripe-mock (Stripe's own mock of its
 * API), and Stripe's webhooks signed with the endpoint secret as Stripe signs them.
 */
describe("card payments (Stripe)", () => {
  let h: Awaited<ReturnType<typeof startApi>>;
  let mock: StripeMock | undefined;
  let subscriberId: string;
  let invoice: { id: string; openMinor: number; dueOn: string };
  const asAdmin = (path: string, method = "GET", json?: unknown) =>
    h.call(path, { method, cookie: h.admin, ...(json !== undefined ? { json } : {}) });
  const deliver = (
    payload: string,
    signature = signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
  ) =>
    h.api.request("/api/v1/payments/stripe/webhook", {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": signature },
      body: payload,
    });
  const completed = (eventId: string, session: Record<string, unknown> = {}) =>
    checkoutCompleted(
      {
        eventId,
        sessionId: "cs_test_dotmac",
        paymentIntent: "pi_test_dotmac",
        invoiceId: invoice.id,
        subscriberId,
        amountMinor: invoice.openMinor,
        currency: "EUR",
      },
      WEBHOOK_SECRET,
      session,
    ).payload;
  const cardPayments = () => h.db.select().from(payments).where(eq(payments.subscriberId, subscriberId));

  beforeAll(async () => {
    h = await startApi();
    mock = await startStripeMock(devkitEnv());
    const plan = await asAdmin("/plans", "POST", {
      name: "Fibre 30",
      downloadKbps: 30_000,
      uploadKbps: 10_000,
      priceMinor: 2500,
      currency: "EUR",
    });
    const created = await asAdmin("/subscribers", "POST", {
      name: "Card Holder",
      serviceAddress: "4 Stripe Street",
      email: "card@home.test",
      planId: plan.body.id,
      username: "card-holder",
      password: "router-password",
    });
    subscriberId = created.body.id;
    await asAdmin(`/subscribers/${subscriberId}/status`, "POST", { to: "active" });
    await asAdmin("/billing/runs", "POST", {});
    const [found] = (await asAdmin(`/invoices?subscriberId=${subscriberId}`)).body.items as Json[];
    invoice = { id: found.id, openMinor: found.openMinor, dueOn: found.dueOn };
  });
  afterAll(async () => {
    await mock?.stop();
    await h?.stop();
  });

  it("answers 503 while the tenant has no gateway, then makes a Checkout page for the open amount", async () => {
    expect((await asAdmin(`/invoices/${invoice.id}/checkout`, "POST")).status).toBe(503);
    // Stripe out of reach: a 502 saying so, not a 500.
    h.acceptCards(
      stripeGateway({
        secretKey: "sk_test_dotmac",
        webhookSecret: WEBHOOK_SECRET,
        apiUrl: `http://127.0.0.1:${await freePort()}`,
      }),
    );
    const unreachable = await asAdmin(`/invoices/${invoice.id}/checkout`, "POST");
    expect([unreachable.status, unreachable.body.detail]).toEqual([
      502,
      expect.stringMatching(/^Stripe refused the Checkout Session: /),
    ]);
    h.acceptCards(
      stripeGateway({ secretKey: "sk_test_dotmac", webhookSecret: WEBHOOK_SECRET, apiUrl: mock?.url }),
    );
    const page = await asAdmin(`/invoices/${invoice.id}/checkout`, "POST");
    expect(page.status, JSON.stringify(page.body)).toBe(201);
    expect(page.body.sessionId).toMatch(/^cs_/);
    expect(page.body.url).toMatch(/^https:\/\//);
    expect((await asAdmin(`/invoices/${crypto.randomUUID()}/checkout`, "POST")).status).toBe(404);
  });

  it("refuses deliveries that do not verify or do not add up, recording nothing", async () => {
    // Walled in for non-payment first: the card payment below must lift it.
    await asAdmin("/billing/dunning-runs", "POST", {
      asOf: new Date(Date.parse(invoice.dueOn) + 8 * 86_400_000).toISOString().slice(0, 10),
    });
    expect((await asAdmin(`/subscribers/${subscriberId}/dunning`)).body.walledGardenSince).not.toBeNull();

    const payload = completed("evt_bad_1");
    const forged = await deliver(
      payload,
      signer.webhooks.generateTestHeaderString({ payload, secret: "whsec_other" }),
    );
    expect([forged.status, ((await forged.json()) as Json).detail]).toEqual([
      400,
      "the Stripe-Signature header does not verify",
    ]);
    const signature = signer.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    expect((await deliver(payload.replace(String(invoice.openMinor), "1"), signature)).status).toBe(400);
    expect((await deliver(payload, "")).status).toBe(400);
    expect((await deliver(completed("evt_usd", { currency: "usd" }))).status).toBe(400);
    expect(
      (
        await deliver(
          completed("evt_other", { metadata: { invoiceId: invoice.id, subscriberId: crypto.randomUUID() } }),
        )
      ).status,
    ).toBe(400);
    // Verified but settling nothing: taken, not recorded.
    const unpaid = await deliver(completed("evt_unpaid", { payment_status: "unpaid" }));
    expect([unpaid.status, await unpaid.json()]).toEqual([200, { received: true, recorded: false }]);
    expect(await cardPayments()).toEqual([]);
  });

  it("records a completed checkout once however often Stripe delivers it, pays the invoice and lifts dunning", async () => {
    const event = completed("evt_paid_1");
    const first = await deliver(event);
    expect([first.status, await first.json()]).toEqual([200, { received: true, recorded: true }]);
    const again = await deliver(event);
    expect(await again.json()).toEqual({ received: true, recorded: false });
    const recorded = await cardPayments();
    expect(recorded.map((p) => [p.method, p.amountMinor, p.reference, p.gatewayEventId])).toEqual([
      ["card", invoice.openMinor, "pi_test_dotmac", "evt_paid_1"],
    ]);
    expect((await asAdmin(`/invoices/${invoice.id}`)).body).toMatchObject({ status: "paid", openMinor: 0 });
    expect((await asAdmin(`/subscribers/${subscriberId}/billing`)).body.balanceMinor).toBe(0);
    const dunning = (await asAdmin(`/subscribers/${subscriberId}/dunning`)).body;
    expect(dunning.walledGardenSince).toBeNull();
    expect(dunning.events[0].kind).toBe("restore");
    // A paid invoice has nothing left to pay by card.
    expect((await asAdmin(`/invoices/${invoice.id}/checkout`, "POST")).status).toBe(409);
  });

  it("credits a card-paid period its unused days when the service ends, and gives that back to the card", async () => {
    // Served from today: ended today, none of the paid period was used.
    const ended = await asAdmin(`/subscribers/${subscriberId}/status`, "POST", {
      to: "terminated",
      reason: "moved away",
    });
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    const account = (await asAdmin(`/subscribers/${subscriberId}/billing`)).body;
    expect([account.balanceMinor, account.creditMinor]).toEqual([-invoice.openMinor, invoice.openMinor]);
    const notes = (account.invoices as Json[]).filter((i) => i.kind === "credit_note");
    expect(notes.map((n) => n.totalMinor)).toEqual([invoice.openMinor]);

    const tooMuch = await asAdmin(`/subscribers/${subscriberId}/refunds`, "POST", {
      amountMinor: invoice.openMinor + 1,
      reason: "moved away",
    });
    expect([tooMuch.status, tooMuch.body.errors]).toEqual([
      400,
      [{ path: "amountMinor", message: `at most the account's credit, ${invoice.openMinor}` }],
    ]);
    const made = await asAdmin(`/subscribers/${subscriberId}/refunds`, "POST", {
      amountMinor: invoice.openMinor,
      reason: "moved away",
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body).toMatchObject({
      creditMinor: 0,
      refunds: [{ amountMinor: invoice.openMinor, method: "card", reference: expect.stringMatching(/^re_/) }],
    });
    const after = (await asAdmin(`/subscribers/${subscriberId}/billing`)).body;
    expect([after.balanceMinor, after.creditMinor, after.refunds.length]).toEqual([0, 0, 1]);
    expect(after.ledger[0]).toMatchObject({ kind: "refund", amountMinor: invoice.openMinor });
    // Nothing is left to give back.
    const again = await asAdmin(`/subscribers/${subscriberId}/refunds`, "POST", {
      amountMinor: 1,
      reason: "twice",
    });
    expect(again.status).toBe(400);
  });
});
