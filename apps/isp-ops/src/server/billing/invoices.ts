import { randomUUID } from "node:crypto";
import type { InvoiceKind, InvoiceLineKind, InvoiceStatus } from "@dotmac/contracts";
import { auditRow } from "@dotmac/http/audit";
import { ProblemError } from "@dotmac/http/problem";
import {
  auditLogs,
  invoiceCounters,
  invoiceLines,
  invoices,
  ledgerEntries,
  type TenantTx,
} from "@dotmac/tenant-db";
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import { auditActor } from "../audit.ts";
import { activeTaxRates, type Db, settingsOf } from "./ledger.ts";
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
type PricedInvoice = Omit<DraftInvoice, "lines"> & { readonly lines: readonly PricedLine[] };

/** Drafts an invoice with the tenant's active taxes on every line, and issues it. */
export async function createInvoice(tx: TenantTx, draft: DraftInvoice): Promise<string> {
  const [id] = await createInvoices(tx, [draft]);
  if (!id) throw new Error("issued nothing");
  return id;
}

/** `createInvoice` for many drafts at once (a billing run's batch): ids in the drafts' order. */
export async function createInvoices(tx: TenantTx, drafts: readonly DraftInvoice[]): Promise<string[]> {
  const rates = await activeTaxRates(tx);
  return issue(
    tx,
    drafts.map((draft) => ({
      ...draft,
      lines: draft.lines.map((line) => ({ ...line, ...lineAmounts(line.quantity * line.unitMinor, rates) })),
    })),
  );
}

/** Rows per insert statement: Postgres takes at most 65,535 parameters in one. */
const ROWS_PER_INSERT = 1000;

async function insertAll<T>(rows: readonly T[], insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await insert(rows.slice(i, i + ROWS_PER_INSERT));
}

/**
 * Issues invoices and credit notes: each gets the next number of its prefix and year, taken under
 * the counter's row lock in this transaction (a rollback gives them all back, so numbers have no
 * gaps), its charge or credit on the ledger and an audit entry. A new invoice has nothing paid on
 * it yet: issued, or paid when it totals nothing.
 */
export async function issue(tx: TenantTx, drafts: readonly PricedInvoice[]): Promise<string[]> {
  if (drafts.length === 0) return [];
  const settings = await settingsOf(tx);
  const year = new Date().getUTCFullYear();
  await tx.insert(invoiceCounters).values({ prefix: settings.invoicePrefix, year }).onConflictDoNothing();
  const [counter] = await tx
    .update(invoiceCounters)
    .set({ next: sql`${invoiceCounters.next} + ${drafts.length}::int` })
    .where(and(eq(invoiceCounters.prefix, settings.invoicePrefix), eq(invoiceCounters.year, year)))
    .returning({ first: sql<number>`${invoiceCounters.next} - ${drafts.length}::int` });
  if (!counter) throw new Error("no invoice counter");
  const dueOn = addDays(today(), settings.paymentTermsDays);
  const issued = drafts.map((draft, i) => {
    const sum = (key: "netMinor" | "taxMinor" | "totalMinor") => draft.lines.reduce((a, l) => a + l[key], 0);
    const credit = draft.kind === "credit_note";
    return {
      draft,
      credit,
      row: {
        id: randomUUID(),
        number: `${settings.invoicePrefix}-${year}-${String(Number(counter.first) + i).padStart(6, "0")}`,
        subscriberId: draft.subscriberId,
        kind: draft.kind ?? "invoice",
        status: (credit || sum("totalMinor") > 0 ? "issued" : "paid") as InvoiceStatus,
        issuedAt: sql`now()`,
        dueOn,
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
      },
    };
  });
  await insertAll(issued, (chunk) => tx.insert(invoices).values(chunk.map((x) => x.row)));
  await insertAll(
    issued.flatMap(({ draft, row }) =>
      draft.lines.map((line, position) => ({ ...line, position, invoiceId: row.id })),
    ),
    (chunk) => tx.insert(invoiceLines).values(chunk),
  );
  await insertAll(
    issued
      .filter(({ row }) => row.totalMinor > 0)
      .map(({ draft, row, credit }) => ({
        subscriberId: row.subscriberId,
        kind: credit ? ("credit" as const) : ("charge" as const),
        amountMinor: credit ? -row.totalMinor : row.totalMinor,
        currency: row.currency,
        description: `${credit ? "Credit note" : "Invoice"} ${row.number}`,
        actor: draft.actor,
        invoiceId: row.id,
      })),
    (chunk) => tx.insert(ledgerEntries).values(chunk),
  );
  await insertAll(
    issued.map(({ draft, row, credit }) =>
      auditRow(auditActor(draft.actor), {
        action: credit ? "credit_note.issue" : "invoice.issue",
        targetType: "invoice",
        targetId: row.id,
        after: { number: row.number, totalMinor: row.totalMinor },
      }),
    ),
    (chunk) => tx.insert(auditLogs).values(chunk),
  );
  return issued.map(({ row }) => row.id);
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
