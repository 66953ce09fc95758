import { auditLogs } from "@dotmac/tenant-db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMonthsOnDay, periodContaining, prorate, today } from "../src/server/billing/money.ts";
import { billStatusChange } from "../src/server/billing/service-changes.ts";
import { changeSubscriberStatus } from "../src/server/lifecycle.ts";
import { type Json, startApi } from "./harness.ts";

/**
 * Billing follows the service by day: suspension, termination and plan changes credit the days
 * not served, a resumption bills from the day it starts, each on real Postgres through the API.
 * Prices are 31 a day in March (exclusive VAT at 10 %), so every figure below can be checked by hand.
 */
describe("billing across service changes", () => {
  let h: Awaited<ReturnType<typeof startApi>>;
  let planA: string;
  let planB: string;
  const asAdmin = (path: string, method = "GET", json?: unknown) =>
    h.call(path, { method, cookie: h.admin, ...(json !== undefined ? { json } : {}) });
  const account = async (id: string) => (await asAdmin(`/subscribers/${id}/billing`)).body;
  /** Invoices and credit notes, oldest first, as [kind, period start, total]. */
  const documents = async (id: string) =>
    ((await account(id)).invoices as Json[]).map((i) => [i.kind, i.periodStart, i.totalMinor]).reverse();
  const bill = (asOf: string) => asAdmin("/billing/runs", "POST", { asOf });
  /** Staff change the status on `on` (the lifecycle with billing's hook, as the route runs it for today). */
  const setStatus = (subscriberId: string, to: "active" | "suspended" | "terminated", on: string) =>
    changeSubscriberStatus(
      h.db,
      { subscriberId, to, actor: "staff-test", reason: "test" },
      undefined,
      billStatusChange(on),
    );

  const activeSince = (name: string, day: string, planId = planA) => h.activeSince(name, day, planId);

  beforeAll(async () => {
    h = await startApi();
    const plan = (name: string, priceMinor: number) =>
      asAdmin("/plans", "POST", {
        name,
        downloadKbps: 100_000,
        uploadKbps: 20_000,
        priceMinor,
        currency: "EUR",
      });
    planA = (await plan("Fibre 100", 3100)).body.id;
    planB = (await plan("Fibre 500", 6200)).body.id;
    expect((await asAdmin("/billing/settings", "PATCH", { billingDay: 1 })).status).toBe(200);
    const vat = await asAdmin("/billing/tax-rates", "POST", {
      name: "VAT",
      basisPoints: 1000,
      inclusive: false,
    });
    expect(vat.status).toBe(201);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("credits the suspended days, bills from the resumption, and bills a period again only after a change", async () => {
    const id = await activeSince("Sue Pended", "2026-03-01");
    await bill("2026-03-01");
    await setStatus(id, "suspended", "2026-03-11");
    // The suspended subscriber is not billed meanwhile.
    await bill("2026-03-20");
    // 21 of 31 days credited: 2,100 and its VAT.
    expect(await documents(id)).toEqual([
      ["invoice", "2026-03-01", 3410],
      ["credit_note", null, 2310],
    ]);
    await setStatus(id, "active", "2026-03-21");
    await bill("2026-03-21");
    await bill("2026-03-21");
    // Suspended again the day it came back, and back again: those days are billed once, in the
    // new segment, however often the run repeats.
    await setStatus(id, "suspended", "2026-03-21");
    await setStatus(id, "active", "2026-03-21");
    await bill("2026-03-21");
    await bill("2026-04-01");
    await bill("2026-04-01");
    expect(await documents(id)).toEqual([
      ["invoice", "2026-03-01", 3410],
      ["credit_note", null, 2310],
      ["invoice", "2026-03-21", 1210],
      ["credit_note", null, 1210],
      ["invoice", "2026-03-21", 1210],
      ["invoice", "2026-04-01", 3410],
    ]);
    // Served 10 + 11 of March's days and all of April: (2,100 + 3,100) and VAT.
    expect((await account(id)).balanceMinor).toBe(5720);
  });

  it("frees the payment for the unused days of a paid period at termination, as credit staff can refund", async () => {
    const id = await activeSince("Terry Minate", "2026-03-01");
    await bill("2026-03-01");
    const paid = await asAdmin("/payments", "POST", {
      subscriberId: id,
      amountMinor: 3410,
      currency: "EUR",
      method: "bank_transfer",
      reference: "TRF-1",
    });
    expect(paid.status).toBe(201);
    await setStatus(id, "terminated", "2026-03-16");
    const ended = await account(id);
    // 16 unused days: 1,600 and its VAT back as credit; the invoice stays paid.
    expect([ended.balanceMinor, ended.creditMinor]).toEqual([-1760, 1760]);
    expect((ended.invoices as Json[]).find((i) => i.kind === "invoice")).toMatchObject({
      status: "paid",
      openMinor: 0,
    });
    // Terminated is final: nothing more is billed.
    await bill("2026-05-01");
    expect((await documents(id)).length).toBe(2);

    const refunded = await asAdmin(`/subscribers/${id}/refunds`, "POST", {
      amountMinor: 1000,
      reason: "closing the account",
      reference: "TRF-BACK-1",
    });
    expect(refunded.status, JSON.stringify(refunded.body)).toBe(201);
    expect(refunded.body).toMatchObject({
      creditMinor: 760,
      refunds: [{ amountMinor: 1000, method: "bank_transfer", reference: "TRF-BACK-1" }],
    });
    expect((await account(id)).balanceMinor).toBe(-760);
    const audit = await h.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.action, "refund.record"), eq(auditLogs.targetId, id)));
    expect(audit[0]?.actorType).toBe("staff");
    const bad = await asAdmin(`/subscribers/${id}/refunds`, "POST", { amountMinor: 0, reason: "" });
    expect(bad.body.errors.map((e: Json) => e.path).sort()).toEqual(["amountMinor", "reason"]);
  });

  it("bills each plan for its own days when staff change it (today, through the API)", async () => {
    const on = today();
    const first = `${on.slice(0, 8)}01`;
    const month = periodContaining(on, 1, "monthly");
    expect(month).toEqual({ start: first, end: addMonthsOnDay(first, 1, 1) });
    const id = await activeSince("Plan Changer", first);
    await bill(first);
    const changed = await asAdmin(`/subscribers/${id}`, "PATCH", { planId: planB });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    await bill(on);
    const unused = prorate(3100, month, on, month.end);
    const fresh = prorate(6200, month, on, month.end);
    const withVat = (n: number) => Math.round(n * 1.1);
    expect(await documents(id)).toEqual([
      ["invoice", first, 3410],
      ["credit_note", null, withVat(unused)],
      ["invoice", on, withVat(fresh)],
    ]);
    // The old plan's days before today, the new plan's from today: the two parts of the month.
    expect((await account(id)).balanceMinor).toBe(3410 - withVat(unused) + withVat(fresh));
    const stop = await h.db
      .select()
      .from(auditLogs)
      .where(and(eq(auditLogs.action, "billing.stop"), eq(auditLogs.targetId, id)));
    expect(stop[0]?.after).toMatchObject({ on });

    // A plan change while suspended changes nothing billed.
    await setStatus(id, "suspended", on);
    const before = await documents(id);
    expect((await asAdmin(`/subscribers/${id}`, "PATCH", { planId: planA })).status).toBe(200);
    expect(await documents(id)).toEqual(before);
  });
});
