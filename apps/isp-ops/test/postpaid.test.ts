import { accountingSessions } from "@dotmac/tenant-db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { billStatusChange } from "../src/server/billing/service-changes.ts";
import { changeSubscriberStatus } from "../src/server/lifecycle.ts";
import { type Json, startApi } from "./harness.ts";

/**
 * Postpaid plans: a period is invoiced once it has ended, in arrears, with the GB begun over the
 * plan's cap as a usage line (from the sessions RADIUS accounting recorded); ending the service
 * bills the days served at once. March costs 100 a day, April 103.33.
 */
describe("postpaid billing", () => {
  let h: Awaited<ReturnType<typeof startApi>>;
  let planId: string;
  let nasId: string;
  const asAdmin = (path: string, method = "GET", json?: unknown) =>
    h.call(path, { method, cookie: h.admin, ...(json !== undefined ? { json } : {}) });
  const bill = async (asOf: string) =>
    (await asAdmin("/billing/runs", "POST", { asOf })).body.invoices as number;
  const plan = {
    name: "Fibre Flex",
    downloadKbps: 100_000,
    uploadKbps: 20_000,
    dataCapBytes: 10e9,
    capMode: "soft",
    priceMinor: 3100,
    currency: "EUR",
    billingMode: "postpaid",
    overagePerGbMinor: 150,
  };
  /** A session RADIUS accounting recorded, started on `day`, with `octets` in and out. */
  const session = (subscriberId: string, day: string, octets: number) =>
    h.db.insert(accountingSessions).values({
      nasId,
      acctSessionId: `flex-${day}`,
      subscriberId,
      username: "flex",
      nasIp: "192.0.2.1",
      startedAt: new Date(`${day}T10:00:00Z`),
      updatedAt: new Date(`${day}T12:00:00Z`),
      inputOctets: octets / 2,
      outputOctets: octets / 2,
    });

  beforeAll(async () => {
    h = await startApi();
    const created = await asAdmin("/plans", "POST", plan);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    planId = created.body.id;
    expect((await asAdmin("/billing/settings", "PATCH", { billingDay: 1 })).status).toBe(200);
    const nas = await asAdmin("/nas", "POST", {
      name: "bng",
      network: "192.0.2.1/32",
      secret: "bng-flex-secret",
    });
    expect(nas.status, JSON.stringify(nas.body)).toBe(201);
    nasId = nas.body.id;
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("refuses an overage price on a prepaid plan or one without a cap", async () => {
    for (const wrong of [
      { ...plan, name: "Prepaid over", billingMode: "prepaid" },
      { ...plan, name: "No cap", dataCapBytes: null },
    ]) {
      const res = await asAdmin("/plans", "POST", wrong);
      expect([res.status, res.body.errors?.[0]?.path]).toEqual([400, "overagePerGbMinor"]);
    }
  });

  it("bills a period in arrears with its usage over the cap, and the days served when it ends", async () => {
    const id = await h.activeSince("Flex User", "2026-03-11", planId);
    expect(await bill("2026-03-31")).toBe(0);
    await session(id, "2026-03-12", 13e9);
    await session(id, "2026-04-02", 1e9);
    expect(await bill("2026-04-01")).toBe(1);
    expect(await bill("2026-04-01")).toBe(0);
    const [march] = (await asAdmin(`/invoices?subscriberId=${id}`)).body.items as Json[];
    const detail = (await asAdmin(`/invoices/${march.id}`)).body;
    // 21 days of March, then 3 GB begun over the 10 GB cap at 1.50.
    expect(detail).toMatchObject({ periodStart: "2026-03-11", periodEnd: "2026-04-01", totalMinor: 2550 });
    expect(detail.lines.map((l: Json) => [l.kind, l.quantity, l.unitMinor])).toEqual([
      ["proration", 1, 2100],
      ["usage", 3, 150],
    ]);

    // Ended on the 16th: the 15 days of April served are billed now, under the cap, nothing credited.
    await changeSubscriberStatus(
      h.db,
      { subscriberId: id, to: "terminated", actor: "staff-test", reason: "moved" },
      undefined,
      billStatusChange("2026-04-16"),
    );
    expect(await bill("2026-05-01")).toBe(0);
    const all = ((await asAdmin(`/invoices?subscriberId=${id}`)).body.items as Json[]).reverse();
    expect(all.map((i) => [i.kind, i.periodStart, i.periodEnd, i.totalMinor])).toEqual([
      ["invoice", "2026-03-11", "2026-04-01", 2550],
      ["invoice", "2026-04-01", "2026-04-16", 1550],
    ]);
  });
});
