import type { PaymentMethod } from "@dotmac/contracts";
import type { TenantDb } from "@dotmac/tenant-db";

interface ReceiptRow {
  id: string;
  subscriberId: string;
  subscriberName: string;
  accountNumber: number;
  serviceAddress: string;
  method: PaymentMethod;
  reference: string | null;
  amountMinor: number;
  currency: string;
  /** ISO 8601. */
  receivedAt: string;
  allocations: { invoiceId: string; number: string | null; amountMinor: number }[];
  refundedMinor: number;
}

/**
 * What a receipt says about payments: who paid, how, which invoices each paid and how much, what
 * was given back, and the rest, kept as credit. `where` picks them (one payment, or a subscriber's latest).
 */
async function receipts(db: TenantDb, by: { id: string } | { subscriberId: string }) {
  const pg = db.$client;
  const where = "id" in by ? pg`p.id = ${by.id}` : pg`p.subscriber_id = ${by.subscriberId}`;
  const rows = await pg<ReceiptRow[]>`
    select p.id, p.subscriber_id as "subscriberId", s.name as "subscriberName",
           s.account_number as "accountNumber", s.service_address as "serviceAddress",
           p.method, p.reference, p.amount_minor::float8 as "amountMinor", p.currency,
           to_json(p.received_at) #>> '{}' as "receivedAt",
           coalesce((select json_agg(json_build_object('invoiceId', i.id, 'number', i.number,
                                                       'amountMinor', a.amount_minor) order by i.number)
                       from payment_allocations a join invoices i on i.id = a.invoice_id
                      where a.payment_id = p.id), '[]') as allocations,
           coalesce((select sum(r.amount_minor) from refunds r where r.payment_id = p.id), 0)::float8
             as "refundedMinor"
      from payments p join subscribers s on s.id = p.subscriber_id
     where ${where}
     order by p.received_at desc
     limit 50`;
  return rows.map((r) => ({
    ...r,
    creditMinor: r.amountMinor - r.refundedMinor - r.allocations.reduce((sum, a) => sum + a.amountMinor, 0),
  }));
}

/** One payment as its receipt tells it. */
export async function paymentReceipt(db: TenantDb, id: string) {
  return (await receipts(db, { id }))[0];
}

/** A subscriber's latest 50 payments, as their receipts tell them. */
export const subscriberReceipts = (db: TenantDb, subscriberId: string) => receipts(db, { subscriberId });
