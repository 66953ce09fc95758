import { invoices } from "@dotmac/tenant-db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, today } from "../src/server/billing/money.ts";
import { type Json, startApi } from "./harness.ts";

/** The billing dashboard's figures from a tenant whose every amount is known. */
describe("billing overview", () => {
  let h: Awaited<ReturnType<typeof startApi>>;
  const asAdmin = (path: string, method = "GET", json?: unknown) =>
    h.call(path, { method, cookie: h.admin, ...(json !== undefined ? { json } : {}) });

  beforeAll(async () => {
    h = await startApi();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("reports MRR, this month's invoiced and collected, receivables by age and the collection rate", async () => {
    const empty = (await asAdmin("/billing/overview")).body;
    expect(empty).toMatchObject({ mrrMinor: 0, collectionRate: null, thisMonth: { invoicedMinor: 0 } });
    expect(empty.months).toHaveLength(6);

    const plan = async (name: string, priceMinor: number, billingCycle: string) =>
      (
        await asAdmin("/plans", "POST", {
          name,
          downloadKbps: 50_000,
          uploadKbps: 10_000,
          priceMinor,
          currency: "EUR",
          billingCycle,
        })
      ).body.id as string;
    const monthly = await plan("Monthly 50", 3000, "monthly");
    const yearly = await plan("Yearly 50", 24_000, "yearly");
    expect((await asAdmin("/billing/settings", "PATCH", { billingDay: 1 })).status).toBe(200);
    const first = `${today().slice(0, 8)}01`;
    const ann = await h.activeSince("Ann Monthly", first, monthly);
    const bea = await h.activeSince("Bea Yearly", first, yearly);
    // Signed up, never activated: no revenue yet.
    await asAdmin("/subscribers", "POST", {
      name: "Cal Pending",
      serviceAddress: "3 Waiting Row",
      planId: monthly,
      username: "cal-pending",
      password: "router-password",
    });
    expect((await asAdmin("/billing/runs", "POST", {})).body.invoices).toBe(2);
    expect(
      (
        await asAdmin("/payments", "POST", {
          subscriberId: ann,
          amountMinor: 1000,
          currency: "EUR",
          method: "cash",
        })
      ).status,
    ).toBe(201);
    // Bea's invoice has been due for 45 days.
    await h.db
      .update(invoices)
      .set({ dueOn: addDays(today(), -45) })
      .where(eq(invoices.subscriberId, bea));

    const o = (await asAdmin("/billing/overview")).body;
    // 3,000 a month and a twelfth of 24,000.
    expect([o.mrrMinor, o.activeSubscribers]).toEqual([5000, 2]);
    expect(o.thisMonth).toEqual({ invoicedMinor: 27_000, collectedMinor: 1000 });
    expect(o.months.at(-1)).toEqual({
      month: today().slice(0, 7),
      invoicedMinor: 27_000,
      collectedMinor: 1000,
    });
    expect(Object.fromEntries(o.receivables.map((r: Json) => [r.bucket, [r.openMinor, r.invoices]]))).toEqual(
      {
        current: [2000, 1],
        "1-30": [0, 0],
        "31-60": [24_000, 1],
        "61-90": [0, 0],
        "90+": [0, 0],
      },
    );
    expect(o.collectionRate).toBeCloseTo(1000 / 27_000, 10);
  });
});
