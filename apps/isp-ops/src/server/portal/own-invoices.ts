import type { TenantDb } from "@dotmac/tenant-db";
import { balanceOf, settingsOf } from "../billing/ledger.ts";
import { paymentReceipt, subscriberReceipts } from "../billing/receipts.ts";
import { invoiceDetail, listInvoices } from "../billing/views.ts";
import type { Customer } from "./customers.ts";

/** The subscriber's issued invoices and credit notes (never a draft), their balance and payments. */
export async function ownInvoices(db: TenantDb, customer: Customer) {
  const [page, balanceMinor, settings, payments] = await Promise.all([
    listInvoices(db, { subscriberId: customer.id, page: 1, pageSize: 50 }),
    balanceOf(db, customer.id),
    settingsOf(db),
    subscriberReceipts(db, customer.id),
  ]);
  return {
    items: page.items
      .filter((i) => i.status !== "draft")
      .map((i) => ({
        id: i.id,
        number: i.number,
        kind: i.kind,
        status: i.status,
        currency: i.currency,
        totalMinor: i.totalMinor,
        openMinor: i.openMinor,
        issuedAt: i.issuedAt,
        dueOn: i.dueOn,
      })),
    balanceMinor,
    currency: settings.currency,
    payments: payments.map((p) => ({
      id: p.id,
      method: p.method,
      amountMinor: p.amountMinor,
      currency: p.currency,
      receivedAt: p.receivedAt,
      invoiceNumbers: p.allocations.flatMap((a) => (a.number ? [a.number] : [])),
      refundedMinor: p.refundedMinor,
      creditMinor: p.creditMinor,
    })),
  };
}

/** One of the subscriber's issued invoices; another's, or a draft, is none (a 404). */
export async function ownInvoice(db: TenantDb, customer: Customer, id: string) {
  const found = await invoiceDetail(db, id);
  return found && found.subscriberId === customer.id && found.status !== "draft" ? found : undefined;
}

/** One of the subscriber's payments as its receipt tells it; another's is none (a 404). */
export async function ownPayment(db: TenantDb, customer: Customer, id: string) {
  const found = await paymentReceipt(db, id);
  return found?.subscriberId === customer.id ? found : undefined;
}
