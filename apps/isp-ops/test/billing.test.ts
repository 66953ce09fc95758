// Long file: one billing period walked end to end on one database: each case builds on the invoices the one before made.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "@dotmac/devkit";
import { billingRuns, invoices, ledgerEntries, payments, subscribers } from "@dotmac/tenant-db";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInvoice } from "../src/server/billing/invoices.ts";
import { type Json, startApi } from "./harness.ts";

describe("billing", () => {
  let h: Awaited<ReturnType<typeof startApi>>;
  let planId: string;
  let subscriberId: string;
  const call = (...args: Parameters<typeof h.call>) => h.call(...args);
  const asAdmin = (path: string, method = "GET", json?: unknown) =>
    call(path, { method, cookie: h.admin, ...(json !== undefined ? { json } : {}) });
  const invoicesOf = async (id: string) =>
    (await asAdmin(`/invoices?subscriberId=${id}&pageSize=100`)).body.items as Json[];
  const balanceOf = async (id: string) =>
    (await asAdmin(`/subscribers/${id}/billing`)).body.balanceMinor as number;
  const year = new Date().getUTCFullYear();

  const activeSubscriber = (name: string, day: string) => h.activeSince(name, day, planId);

  beforeAll(async () => {
    h = await startApi();
    const plan = await asAdmin("/plans", "POST", {
      name: "Fibre 100",
      downloadKbps: 100_000,
      uploadKbps: 20_000,
      priceMinor: 2999,
      currency: "EUR",
    });
    planId = plan.body.id;
    expect((await asAdmin("/billing/settings", "PATCH", { billingDay: 1 })).status).toBe(200);
    const vat = await asAdmin("/billing/tax-rates", "POST", {
      name: "VAT",
      basisPoints: 2000,
      inclusive: true,
    });
    expect(vat.status, JSON.stringify(vat.body)).toBe(201);
    subscriberId = await activeSubscriber("Ada Billing", "2026-03-15");
  });
  afterAll(async () => {
    await h?.stop();
  });

  it("keeps one currency per tenant: plans and settings are checked against it", async () => {
    const usdPlan = await asAdmin("/plans", "POST", {
      name: "Dollar plan",
      downloadKbps: 1000,
      uploadKbps: 1000,
      priceMinor: 100,
      currency: "USD",
    });
    expect([usdPlan.status, usdPlan.body.errors]).toEqual([
      400,
      [{ path: "currency", message: "this tenant bills in EUR" }],
    ]);
    const change = await asAdmin("/billing/settings", "PATCH", { currency: "USD" });
    expect([change.status, change.body.errors[0].path]).toEqual([409, "currency"]);
    expect((await asAdmin("/billing/settings")).body).toMatchObject({ currency: "EUR", billingDay: 1 });
  });

  it("invoices a mid-month activation prorated by day, then whole periods, with VAT shown per line", async () => {
    const run = await asAdmin("/billing/runs", "POST", { asOf: "2026-03-20" });
    expect(run.body).toMatchObject({ invoices: 1 });
    let [first] = await invoicesOf(subscriberId);
    const detail = (await asAdmin(`/invoices/${first.id}`)).body;
    // 17 of March's 31 days of 29.99, half up: 16.45; VAT at 20 % inside it.
    expect(detail).toMatchObject({
      number: `INV-${year}-000001`,
      status: "issued",
      periodStart: "2026-03-15",
      periodEnd: "2026-04-01",
      netMinor: 1371,
      taxMinor: 274,
      totalMinor: 1645,
      openMinor: 1645,
    });
    expect(detail.lines).toEqual([
      expect.objectContaining({
        kind: "proration",
        totalMinor: 1645,
        taxes: [{ name: "VAT", basisPoints: 2000, inclusive: true, amountMinor: 274 }],
      }),
    ]);
    await asAdmin("/billing/runs", "POST", { asOf: "2026-04-02" });
    [first] = await invoicesOf(subscriberId);
    expect(first).toMatchObject({
      number: `INV-${year}-000002`,
      totalMinor: 2999,
      periodStart: "2026-04-01",
    });
    expect(await balanceOf(subscriberId)).toBe(1645 + 2999);
  });

  it("never bills a period twice: a repeated run, or two at once, invoice nothing more", async () => {
    const again = await asAdmin("/billing/runs", "POST", { asOf: "2026-04-02" });
    expect(again.body.invoices).toBe(0);
    const late = await activeSubscriber("Babbage Billing", "2026-04-01");
    const [a, b] = await Promise.all([
      asAdmin("/billing/runs", "POST", { asOf: "2026-04-02" }),
      asAdmin("/billing/runs", "POST", { asOf: "2026-04-02" }),
    ]);
    expect(a.body.invoices + b.body.invoices).toBe(1);
    expect((await invoicesOf(late)).map((i) => i.periodStart)).toEqual(["2026-04-01"]);
    const runs = (await asAdmin("/billing/runs")).body.items as Json[];
    expect(runs.every((r) => r.finishedAt && r.error === null)).toBe(true);
  });

  it("marks a run that died unfinished as interrupted, and leaves one still running alone", async () => {
    const [dead, alive] = await h.db
      .insert(billingRuns)
      .values([
        { asOf: "2026-04-02", startedBy: "killed" },
        { asOf: "2026-04-02", startedBy: "elsewhere" },
      ])
      .returning();
    // Another process's run holds its lock on its own connection.
    const other = await h.db.$client.reserve();
    try {
      await other`select pg_advisory_lock(hashtextextended(${`billing_run:${alive?.id}`}, 0))`;
      expect((await asAdmin("/billing/runs", "POST", { asOf: "2026-04-02" })).status).toBe(200);
      const rows = await h.db.select().from(billingRuns);
      const byId = (id?: string) => rows.find((r) => r.id === id);
      expect(byId(dead?.id)?.error).toMatch(/^interrupted: /);
      expect(byId(dead?.id)?.finishedAt).not.toBeNull();
      expect(byId(alive?.id)).toMatchObject({ finishedAt: null, error: null });
    } finally {
      other.release();
    }
    await h.db.delete(billingRuns).where(eq(billingRuns.id, alive?.id ?? ""));
  });

  it("numbers issued invoices without gaps, even when an issuing transaction fails", async () => {
    const numbered = async () =>
      (await h.db.select({ number: invoices.number }).from(invoices))
        .map((r) => Number(r.number?.split("-")[2]))
        .sort((x, y) => x - y);
    const before = await numbered();
    await expect(
      h.db.transaction(async (tx) => {
        await createInvoice(tx, {
          subscriberId,
          currency: "EUR",
          actor: "test",
          lines: [{ kind: "one_off", description: "Lost", quantity: 1, unitMinor: 100 }],
        });
        throw new Error("the process died here");
      }),
    ).rejects.toThrow("the process died here");
    const oneOff = await asAdmin("/invoices", "POST", {
      subscriberId,
      lines: [{ description: "Installation", unitMinor: 4900 }],
    });
    expect(oneOff.status, JSON.stringify(oneOff.body)).toBe(201);
    const after = await numbered();
    expect(after).toEqual([...before, (before.at(-1) ?? 0) + 1]);
    expect(after).toEqual(after.map((_, i) => i + 1));
  });

  it("takes payments for the oldest invoices first, refuses another currency, keeps overpayment as credit", async () => {
    const count = async () => (await h.db.select({ n: sql<number>`count(*)::int` }).from(payments))[0]?.n;
    const paymentsBefore = await count();
    const dollars = await asAdmin("/payments", "POST", {
      subscriberId,
      amountMinor: 1000,
      currency: "USD",
      method: "cash",
    });
    expect([dollars.status, dollars.body.errors[0].path]).toEqual([400, "currency"]);
    expect(await count()).toBe(paymentsBefore);

    const owed = await balanceOf(subscriberId);
    const paid = await asAdmin("/payments", "POST", {
      subscriberId,
      amountMinor: 2000,
      currency: "EUR",
      method: "bank_transfer",
      reference: "TRX-1",
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    const byPeriod = Object.fromEntries(
      (await invoicesOf(subscriberId)).map((i) => [i.periodStart ?? "one-off", i]),
    );
    expect(byPeriod["2026-03-15"]).toMatchObject({ status: "paid", openMinor: 0 });
    expect(byPeriod["2026-04-01"]).toMatchObject({ status: "partially_paid", openMinor: 2999 - 355 });
    expect(paid.body).toMatchObject({ creditMinor: 0 });
    expect(await balanceOf(subscriberId)).toBe(owed - 2000);

    // Paying the rest and 10.00 more leaves 10.00 of credit, which the next invoice uses at once.
    const rest = await asAdmin("/payments", "POST", {
      subscriberId,
      amountMinor: owed - 2000 + 1000,
      currency: "EUR",
      method: "mobile_money",
      reference: "MM-77",
    });
    expect(rest.body.creditMinor).toBe(1000);
    expect(await balanceOf(subscriberId)).toBe(-1000);
    await asAdmin("/billing/runs", "POST", { asOf: "2026-05-01" });
    const [may] = await invoicesOf(subscriberId);
    expect(may).toMatchObject({ periodStart: "2026-05-01", status: "partially_paid", openMinor: 1999 });
    expect(await balanceOf(subscriberId)).toBe(1999);
  });

  it("corrects issued invoices with credit notes up to what is open, and voids only untouched ones", async () => {
    const [may] = await invoicesOf(subscriberId);
    const tooMuch = await asAdmin(`/invoices/${may.id}/credit-notes`, "POST", {
      amountMinor: 2000,
      reason: "outage",
    });
    expect([tooMuch.status, tooMuch.body.errors[0]]).toEqual([
      400,
      { path: "amountMinor", message: "at most the invoice's open amount, 1999" },
    ]);
    const note = await asAdmin(`/invoices/${may.id}/credit-notes`, "POST", {
      amountMinor: 500,
      reason: "outage",
    });
    expect(note.status, JSON.stringify(note.body)).toBe(201);
    const noted = (await asAdmin(`/invoices/${note.body.id}`)).body;
    expect(noted).toMatchObject({ kind: "credit_note", creditsInvoiceId: may.id, totalMinor: 500 });
    expect((await asAdmin(`/invoices/${may.id}`)).body).toMatchObject({
      openMinor: 1499,
      creditNotes: [{ totalMinor: 500 }],
    });
    expect(await balanceOf(subscriberId)).toBe(1499);

    const paidOne = (await invoicesOf(subscriberId)).find((i) => i.status === "paid");
    const refused = await asAdmin(`/invoices/${paidOne.id}/void`, "POST", { reason: "mistake" });
    expect(refused.status).toBe(409);
    const oneOff = await asAdmin("/invoices", "POST", {
      subscriberId,
      lines: [{ description: "Second router", quantity: 2, unitMinor: 2500 }],
    });
    // The account's credit is gone, so the new invoice is wholly open; void it.
    const voided = await asAdmin(`/invoices/${oneOff.body.id}/void`, "POST", { reason: "sent by mistake" });
    expect(voided.body).toEqual({ id: oneOff.body.id, status: "void" });
    expect(await balanceOf(subscriberId)).toBe(1499);
    const again = await asAdmin(`/invoices/${oneOff.body.id}/void`, "POST", { reason: "twice" });
    expect(again.status).toBe(409);
  });

  it("marks what is past due overdue, finds invoices by number or name, and keeps the ledger append-only", async () => {
    await asAdmin("/billing/runs", "POST", { asOf: "2027-01-01" });
    const overdue = (await asAdmin("/invoices?status=overdue&pageSize=200")).body.items as Json[];
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue.every((i) => i.openMinor > 0 && i.dueOn < "2027-01-01")).toBe(true);
    const found = (await asAdmin(`/invoices?q=INV-${year}-000002`)).body.items as Json[];
    expect(found.map((i) => i.periodStart)).toEqual(["2026-04-01"]);
    expect(((await asAdmin("/invoices?q=babbage")).body.items as Json[]).length).toBeGreaterThan(0);
    const rewrite = h.db
      .update(ledgerEntries)
      .set({ amountMinor: 1 })
      .where(eq(ledgerEntries.subscriberId, subscriberId));
    await expect(rewrite).rejects.toMatchObject({
      cause: { message: "ledger_entries is append-only: UPDATE refused" },
    });
    // Every change was audited.
    const actions = await h.db.execute<{ action: string }>(
      sql`select distinct action from audit_logs order by 1`,
    );
    expect(actions.map((a) => a.action)).toEqual(
      expect.arrayContaining([
        "billing.settings",
        "tax_rate.create",
        "invoice.issue",
        "payment.record",
        "credit_note.issue",
        "invoice.void",
      ]),
    );
  });

  it("renders an invoice as a PDF in the tenant's branding whose text has the number, each tax and the totals", async () => {
    const id = await activeSubscriber("Pdf Reader", "2026-03-15");
    // What the tenant's invoices end with: at most 1,000 characters, checked before anything changes.
    const long = await asAdmin("/billing/settings", "PATCH", { invoiceFooter: "x".repeat(1001) });
    expect([long.status, long.body.errors?.[0]?.path]).toEqual([400, "invoiceFooter"]);
    const footer = await asAdmin("/billing/settings", "PATCH", {
      invoiceFooter: "Fibre Test Ltd, 1 Main Street\nVAT IE1234567X · IBAN IE29 AIBK 9311 5212 3456 78",
    });
    expect(footer.status, JSON.stringify(footer.body)).toBe(200);
    // A name the PDF standard fonts cannot write.
    await h.db.update(subscribers).set({ name: "Łucja Żółć-Ψ" }).where(eq(subscribers.id, id));
    await asAdmin("/billing/runs", "POST", { asOf: "2026-03-20" });
    const [invoice] = await invoicesOf(id);
    const res = await h.api.request(`/api/v1/invoices/${invoice.id}/pdf`, { headers: h.admin });
    expect([res.status, res.headers.get("content-type")]).toEqual([200, "application/pdf"]);
    const dir = await mkdtemp(join(tmpdir(), "invoice-pdf-"));
    const file = join(dir, "invoice.pdf");
    await writeFile(file, Buffer.from(await res.arrayBuffer()));
    const text = (await run("pdftotext", ["-layout", file, "-"])).replace(/ +/g, " ");
    expect(text).toContain(`Invoice ${invoice.number}`);
    expect(text).toContain("Łucja Żółć-Ψ");
    expect(text).toContain("Service period: 2026-03-15 to 2026-04-01");
    expect(text).toContain("VAT 20 % included: 2.74 EUR");
    expect(text).toMatch(/Net 13\.71 EUR/);
    expect(text).toMatch(/Total 16\.45 EUR/);
    expect(text).toMatch(/Open 16\.45 EUR/);
    expect(text).toContain("Your ISP");
    expect(text).toContain("VAT IE1234567X · IBAN IE29 AIBK 9311 5212 3456 78");
    expect(
      (await asAdmin("/billing/settings", "PATCH", { invoiceFooter: "" })).body.invoiceFooter,
    ).toBeNull();
    // One page, rendered as a reader would (the PNG is what the e2e's screenshots show).
    await run("pdftoppm", ["-png", "-r", "50", "-singlefile", file, join(dir, "page")]);
    const png = await readFile(join(dir, "page.png"));
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect((await run("pdfinfo", [file])).match(/Pages:\s+(\d+)/)?.[1]).toBe("1");
    expect((await asAdmin(`/invoices/${crypto.randomUUID()}/pdf`)).status).toBe(404);
    await rm(dir, { recursive: true, force: true });
  });
});
