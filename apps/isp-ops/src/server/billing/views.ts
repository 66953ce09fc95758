import type { InvoiceListItem, InvoiceQuery, PaymentMethod } from "@dotmac/contracts";
import type { TenantDb } from "@dotmac/tenant-db";
import type { z } from "zod";
import { balanceOf } from "./ledger.ts";
import { unallocated } from "./payments.ts";

const COUNT_LIMIT = 10_000;

/**
 * The invoices page: newest first, by status or subscriber; q is an invoice number or part of a
 * name. The page's ids are found first (on the invoices' own indexes: a name becomes the ids of
 * the subscribers it matches), and only those rows are joined and have their open amount summed.
 */
export async function listInvoices(db: TenantDb, query: InvoiceQuery) {
  const pg = db.$client;
  const q = query.q?.trim() ?? "";
  const where = pg`where true
    ${query.status ? pg`and i.status = ${query.status}` : pg``}
    ${query.subscriberId ? pg`and i.subscriber_id = ${query.subscriberId}` : pg``}
    ${
      q
        ? pg`and (i.number = ${q.toUpperCase()} or i.subscriber_id = any(array(
            select s.id from subscribers s where s.name ilike ${`%${q.replace(/[%_\\]/g, "\\$&")}%`})))`
        : pg``
    }`;
  const offset = (query.page - 1) * query.pageSize;
  const [rows, [count]] = await Promise.all([
    pg<InvoiceRow[]>`
      with page as (
        select i.id, i.created_at from invoices i ${where}
         order by i.created_at desc, i.id desc
         limit ${query.pageSize} offset ${offset})
      select i.id, i.number, i.kind, i.status, i.subscriber_id as "subscriberId", s.name as "subscriberName",
             s.account_number::int as "accountNumber", i.currency, i.total_minor::float8 as "totalMinor",
             (i.total_minor
               - (select coalesce(sum(a.amount_minor), 0) from payment_allocations a where a.invoice_id = i.id)
               - (select coalesce(sum(c.total_minor), 0) from invoices c where c.credits_invoice_id = i.id and c.status <> 'void')
             )::float8 as "openMinor",
             i.issued_at as "issuedAt", i.due_on::text as "dueOn",
             i.period_start::text as "periodStart", i.period_end::text as "periodEnd"
        from page join invoices i on i.id = page.id join subscribers s on s.id = i.subscriber_id
       order by page.created_at desc, page.id desc`,
    pg<{ n: number }[]>`
      select count(*)::int as n from (select 1 from invoices i ${where} limit ${COUNT_LIMIT + 1}) x`,
  ]);
  const total = count?.n ?? 0;
  return {
    items: [...rows],
    page: query.page,
    pageSize: query.pageSize,
    total: Math.min(total, COUNT_LIMIT),
    totalIsEstimate: total > COUNT_LIMIT,
  };
}

/** A list item as the database gives it: the time still a Date, until the response serialises it. */
type InvoiceRow = Omit<z.infer<typeof InvoiceListItem>, "issuedAt"> & { issuedAt: Date | null };

/** An invoice page: the invoice, its lines, what paid it and what credited it. */
export async function invoiceDetail(db: TenantDb, id: string) {
  const pg = db.$client;
  const [invoice] = await pg<
    (InvoiceRow & {
      netMinor: number;
      taxMinor: number;
      note: string | null;
      creditsInvoiceId: string | null;
    })[]
  >`
    select i.id, i.number, i.kind, i.status, i.subscriber_id as "subscriberId", s.name as "subscriberName",
           s.account_number::int as "accountNumber", i.currency, i.net_minor::float8 as "netMinor",
           i.tax_minor::float8 as "taxMinor", i.total_minor::float8 as "totalMinor",
           (i.total_minor
             - (select coalesce(sum(a.amount_minor), 0) from payment_allocations a where a.invoice_id = i.id)
             - (select coalesce(sum(c.total_minor), 0) from invoices c where c.credits_invoice_id = i.id and c.status <> 'void')
           )::float8 as "openMinor",
           i.issued_at as "issuedAt", i.due_on::text as "dueOn", i.period_start::text as "periodStart",
           i.period_end::text as "periodEnd", i.note, i.credits_invoice_id as "creditsInvoiceId"
      from invoices i join subscribers s on s.id = i.subscriber_id
     where i.id = ${id}`;
  if (!invoice) return undefined;
  const [lines, paidBy, creditNotes] = await Promise.all([
    pg<
      {
        kind: string;
        description: string;
        quantity: number;
        unitMinor: number;
        netMinor: number;
        taxMinor: number;
        totalMinor: number;
        taxes: { name: string; basisPoints: number; inclusive: boolean; amountMinor: number }[];
      }[]
    >`
      select kind, description, quantity, unit_minor::float8 as "unitMinor", net_minor::float8 as "netMinor",
             tax_minor::float8 as "taxMinor", total_minor::float8 as "totalMinor", taxes
        from invoice_lines where invoice_id = ${id} order by position`,
    pg<
      { paymentId: string; method: string; reference: string | null; receivedAt: Date; amountMinor: number }[]
    >`
      select p.id as "paymentId", p.method, p.reference, p.received_at as "receivedAt", a.amount_minor::float8 as "amountMinor"
        from payment_allocations a join payments p on p.id = a.payment_id
       where a.invoice_id = ${id} order by p.received_at`,
    pg<
      { id: string; number: string | null; totalMinor: number; note: string | null; issuedAt: Date | null }[]
    >`
      select id, number, total_minor::float8 as "totalMinor", note, issued_at as "issuedAt"
        from invoices where credits_invoice_id = ${id} order by created_at`,
  ]);
  return { ...invoice, lines: [...lines], payments: [...paidBy], creditNotes: [...creditNotes] };
}

/** A subscriber's billing tab: balance, latest ledger entries, invoices and payments. */
export async function subscriberBilling(db: TenantDb, subscriberId: string) {
  const pg = db.$client;
  const [ledger, invoices, paid, credit, refunded] = await Promise.all([
    pg<
      {
        id: number;
        at: Date;
        kind: string;
        amountMinor: number;
        description: string;
        invoiceId: string | null;
        paymentId: string | null;
      }[]
    >`
      select id::int, at, kind, amount_minor::float8 as "amountMinor", description,
             invoice_id as "invoiceId", payment_id as "paymentId"
        from ledger_entries where subscriber_id = ${subscriberId} order by at desc, id desc limit 100`,
    listInvoices(db, { subscriberId, page: 1, pageSize: 50 }),
    pg<
      {
        id: string;
        method: string;
        reference: string | null;
        amountMinor: number;
        currency: string;
        receivedAt: Date;
      }[]
    >`
      select id, method, reference, amount_minor::float8 as "amountMinor", currency, received_at as "receivedAt"
        from payments where subscriber_id = ${subscriberId} order by received_at desc limit 50`,
    unallocated(db, subscriberId),
    pg<
      {
        id: string;
        paymentId: string;
        amountMinor: number;
        method: PaymentMethod;
        reference: string | null;
        reason: string;
        at: Date;
      }[]
    >`
      select r.id, r.payment_id as "paymentId", r.amount_minor::float8 as "amountMinor", p.method, r.reference,
             r.reason, r.at
        from refunds r join payments p on p.id = r.payment_id
       where r.subscriber_id = ${subscriberId} order by r.at desc limit 50`,
  ]);
  return {
    balanceMinor: await balanceOf(db, subscriberId),
    creditMinor: credit.reduce((a, p) => a + p.left, 0),
    refunds: [...refunded],
    ledger: [...ledger],
    invoices: invoices.items,
    payments: [...paid],
  };
}
