import type { CreditNoteCreate, InvoiceKind, InvoiceLineKind, InvoiceStatus } from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import { invoiceCounters, invoiceLines, invoices, type TenantTx } from "@dotmac/tenant-db";
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { activeTaxRates, auditBilling, type Db, post, settingsOf } from "./ledger.ts";
import { addDays, type LineAmounts, lineAmounts, type Period, today } from "./money.ts";

export interface DraftLine {
  readonly kind: InvoiceLineKind;
  readonly description: string;
  readonly quantity: number;
  /** Per unit, as priced (with inclusive taxes inside it). */
  readonly unitMinor: number;
}

export interface DraftInvoice {
  readonly subscriberId: string;
  readonly currency: string;
  readonly lines: readonly DraftLine[];
  readonly actor: string;
  readonly period?: Period;
  /** For a cycle's invoice: its service segment, and the whole cycle's price and first day. */
  readonly cycle?: { readonly segment: number; readonly priceMinor: number; readonly start: string };
  readonly kind?: InvoiceKind;
  readonly creditsInvoiceId?: string;
  readonly note?: string;
}

type PricedLine = DraftLine & LineAmounts;

/** Drafts an invoice with the tenant's active taxes on every line, and issues it. */
export async function createInvoice(tx: TenantTx, draft: DraftInvoice): Promise<string> {
  const rates = await activeTaxRates(tx);
  return insertAndIssue(
    tx,
    draft,
    draft.lines.map((line) => ({ ...line, ...lineAmounts(line.quantity * line.unitMinor, rates) })),
  );
}

async function insertAndIssue(
  tx: TenantTx,
  draft: Omit<DraftInvoice, "lines">,
  priced: readonly PricedLine[],
) {
  const lines = priced.map((line, position) => ({ ...line, position }));
  const sum = (key: "netMinor" | "taxMinor" | "totalMinor") => lines.reduce((a, l) => a + l[key], 0);
  const [invoice] = await tx
    .insert(invoices)
    .values({
      subscriberId: draft.subscriberId,
      kind: draft.kind ?? "invoice",
      creditsInvoiceId: draft.creditsInvoiceId ?? null,
      currency: draft.currency,
      periodStart: draft.period?.start ?? null,
      periodEnd: draft.period?.end ?? null,
      segment: draft.cycle?.segment ?? null,
      cyclePriceMinor: draft.cycle?.priceMinor ?? null,
      cycleStart: draft.cycle?.start ?? null,
      netMinor: sum("netMinor"),
      taxMinor: sum("taxMinor"),
      totalMinor: sum("totalMinor"),
      note: draft.note ?? null,
      createdBy: draft.actor,
    })
    .returning({ id: invoices.id });
  if (!invoice) throw new Error("insert returned nothing");
  if (lines.length > 0) {
    await tx.insert(invoiceLines).values(lines.map((l) => ({ ...l, invoiceId: invoice.id })));
  }
  await issue(tx, invoice.id, draft.actor);
  return invoice.id;
}

/**
 * Gives a draft its number and makes it count: the next of its prefix and year, taken under the
 * counter's row lock in this transaction (a rollback gives it back, so numbers have no gaps).
 */
async function issue(tx: TenantTx, id: string, actor: string): Promise<void> {
  const settings = await settingsOf(tx);
  const year = new Date().getUTCFullYear();
  await tx.insert(invoiceCounters).values({ prefix: settings.invoicePrefix, year }).onConflictDoNothing();
  const [counter] = await tx
    .update(invoiceCounters)
    .set({ next: sql`${invoiceCounters.next} + 1` })
    .where(and(eq(invoiceCounters.prefix, settings.invoicePrefix), eq(invoiceCounters.year, year)))
    .returning({ taken: sql<number>`${invoiceCounters.next} - 1` });
  if (!counter) throw new Error("no invoice counter");
  const number = `${settings.invoicePrefix}-${year}-${String(counter.taken).padStart(6, "0")}`;
  const [invoice] = await tx
    .update(invoices)
    .set({
      number,
      status: "issued",
      issuedAt: sql`now()`,
      dueOn: addDays(today(), settings.paymentTermsDays),
    })
    .where(and(eq(invoices.id, id), eq(invoices.status, "draft")))
    .returning();
  if (!invoice) throw new Error(`invoice ${id} is not a draft`);
  const credit = invoice.kind === "credit_note";
  if (invoice.totalMinor > 0) {
    await post(tx, {
      subscriberId: invoice.subscriberId,
      kind: credit ? "credit" : "charge",
      amountMinor: credit ? -invoice.totalMinor : invoice.totalMinor,
      currency: invoice.currency,
      description: `${credit ? "Credit note" : "Invoice"} ${number}`,
      actor,
      invoiceId: id,
    });
  }
  await auditBilling(
    tx,
    actor,
    credit ? "credit_note.issue" : "invoice.issue",
    { type: "invoice", id },
    {
      number,
      totalMinor: invoice.totalMinor,
    },
  );
  if (!credit) await settle(tx, id);
}

/** What is still to pay on an invoice: its total less what payments and credit notes covered. */
export async function openAmount(
  db: Db,
  id: string,
): Promise<{ total: number; paid: number; credited: number; covered: number; open: number }> {
  const [row] = await db.execute<{ total: string; paid: string; credited: string }>(sql`
    select i.total_minor as total,
           (select coalesce(sum(a.amount_minor), 0) from payment_allocations a where a.invoice_id = i.id) as paid,
           (select coalesce(sum(c.total_minor), 0) from invoices c
             where c.credits_invoice_id = i.id and c.status <> 'void') as credited
      from invoices i where i.id = ${id}`);
  if (!row) throw new ProblemError(404, { detail: "no such invoice" });
  const [paid, credited] = [Number(row.paid), Number(row.credited)];
  const covered = paid + credited;
  return { total: Number(row.total), paid, credited, covered, open: Number(row.total) - covered };
}

/** Sets an issued invoice's status from what covers it and its due date. */
export async function settle(tx: TenantTx, id: string, on = today()): Promise<InvoiceStatus> {
  const [invoice] = await tx.select().from(invoices).where(eq(invoices.id, id));
  if (!invoice || invoice.status === "draft" || invoice.status === "void" || invoice.kind !== "invoice")
    return invoice?.status ?? "void";
  const { covered, open } = await openAmount(tx, id);
  const status: InvoiceStatus =
    open <= 0
      ? "paid"
      : invoice.dueOn && invoice.dueOn < on
        ? "overdue"
        : covered > 0
          ? "partially_paid"
          : "issued";
  if (status !== invoice.status) await tx.update(invoices).set({ status }).where(eq(invoices.id, id));
  return status;
}

async function lockInvoice(tx: TenantTx, id: string) {
  const [invoice] = await tx.select().from(invoices).where(eq(invoices.id, id)).for("update");
  if (!invoice) throw new ProblemError(404, { detail: "no such invoice" });
  return invoice;
}

/** Cancels an invoice nothing was paid or credited against; its charge is reversed on the ledger. */
export async function voidInvoice(db: Db, actor: string, id: string, reason: string) {
  return db.transaction(async (tx) => {
    const invoice = await lockInvoice(tx, id);
    if (invoice.kind !== "invoice" || invoice.status === "void" || invoice.status === "draft") {
      throw new ProblemError(409, {
        detail: `a ${invoice.status} ${invoice.kind.replace("_", " ")} cannot be voided`,
      });
    }
    const { covered } = await openAmount(tx, id);
    if (covered > 0) {
      throw new ProblemError(409, {
        detail:
          "payments or credit notes cover part of this invoice: issue a credit note for the rest instead",
      });
    }
    await tx.update(invoices).set({ status: "void", note: reason }).where(eq(invoices.id, id));
    if (invoice.totalMinor > 0) {
      await post(tx, {
        subscriberId: invoice.subscriberId,
        kind: "adjustment",
        amountMinor: -invoice.totalMinor,
        currency: invoice.currency,
        description: `Void of invoice ${invoice.number}: ${reason}`,
        actor,
        invoiceId: id,
      });
    }
    await auditBilling(
      tx,
      actor,
      "invoice.void",
      { type: "invoice", id },
      { reason },
      { status: invoice.status },
    );
    return { id, status: "void" as const, subscriberId: invoice.subscriberId };
  });
}

type Invoice = typeof invoices.$inferSelect;

/**
 * Issues a credit note of `amountMinor` against `invoice`: one line whose net and tax split as
 * the invoice's did. The caller has checked the amount and settles the invoice after.
 */
export async function creditInvoice(
  tx: TenantTx,
  actor: string,
  invoice: Invoice,
  amountMinor: number,
  reason: string,
  description = `Credit for invoice ${invoice.number}: ${reason}`,
) {
  const taxMinor =
    invoice.totalMinor === 0 ? 0 : Math.round((amountMinor * invoice.taxMinor) / invoice.totalMinor);
  return insertAndIssue(
    tx,
    {
      subscriberId: invoice.subscriberId,
      currency: invoice.currency,
      kind: "credit_note",
      creditsInvoiceId: invoice.id,
      actor,
      note: reason,
    },
    [
      {
        kind: "one_off",
        description,
        quantity: 1,
        unitMinor: amountMinor,
        netMinor: amountMinor - taxMinor,
        taxMinor,
        totalMinor: amountMinor,
        taxes: [],
      },
    ],
  );
}

/** A credit note staff issue against an issued invoice, for at most what is still open on it. */
export async function creditNote(db: Db, actor: string, id: string, input: CreditNoteCreate) {
  return db.transaction(async (tx) => {
    const invoice = await lockInvoice(tx, id);
    if (invoice.kind !== "invoice" || invoice.status === "void" || invoice.status === "draft") {
      throw new ProblemError(409, {
        detail: `a ${invoice.status} ${invoice.kind.replace("_", " ")} cannot be credited`,
      });
    }
    const { open } = await openAmount(tx, id);
    if (input.amountMinor > open) {
      const message = `at most the invoice's open amount, ${open}`;
      throw new ProblemError(400, { detail: message, errors: [{ path: "amountMinor", message }] });
    }
    const noteId = await creditInvoice(tx, actor, invoice, input.amountMinor, input.reason);
    const status = await settle(tx, id);
    return { id: noteId, invoiceStatus: status, subscriberId: invoice.subscriberId };
  });
}

/** Issued invoices of a subscriber with money open, oldest due first (what a payment pays). */
export async function openInvoices(tx: TenantTx, subscriberId: string, preferred: readonly string[] = []) {
  const rows = await tx
    .select({ id: invoices.id, dueOn: invoices.dueOn })
    .from(invoices)
    .where(
      and(
        eq(invoices.subscriberId, subscriberId),
        eq(invoices.kind, "invoice"),
        inArray(invoices.status, ["issued", "partially_paid", "overdue"]),
        ne(invoices.totalMinor, 0),
      ),
    )
    .orderBy(invoices.dueOn, invoices.createdAt);
  const first = preferred.filter((id) => rows.some((r) => r.id === id));
  return [...first, ...rows.map((r) => r.id).filter((id) => !first.includes(id))];
}
