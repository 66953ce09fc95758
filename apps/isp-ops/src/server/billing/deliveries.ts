import { invoiceDeliveries, subscribers, type TenantDb } from "@dotmac/tenant-db";
import { eq } from "drizzle-orm";
import type { TenantMail } from "../mail.ts";
import { billingBrand } from "./ledger.ts";
import { invoiceMail } from "./notices.ts";
import { invoicePdf } from "./pdf.ts";
import { invoiceDetail } from "./views.ts";

/**
 * Mails every issued invoice and credit note not mailed yet, its PDF attached, and records each
 * outcome (so a run killed half-way mails the rest next time; a message sent just before the kill
 * goes again with the same Message-ID). An address the relay refuses for good (5xx) is recorded
 * as not sent; a relay that cannot be reached, or asks to retry later, ends the delivery: the
 * rest waits for the next run, as it does without a transport.
 */
export async function deliverInvoices(db: TenantDb, mail: TenantMail | undefined): Promise<number> {
  if (!mail) return 0;
  const brand = await billingBrand(db, mail.brand);
  let sent = 0;
  for (;;) {
    const batch = await db.$client<{ id: string }[]>`
      select i.id from invoices i
       where i.status <> 'draft' and not exists (select 1 from invoice_deliveries d where d.invoice_id = i.id)
       order by i.issued_at, i.id limit 200`;
    if (batch.length === 0) return sent;
    for (const { id } of batch) {
      const invoice = await invoiceDetail(db, id);
      if (!invoice?.number) continue;
      const [s] = await db
        .select({ email: subscribers.email, serviceAddress: subscribers.serviceAddress })
        .from(subscribers)
        .where(eq(subscribers.id, invoice.subscriberId));
      let outcome: string | undefined = "not sent: the subscriber has no e-mail address";
      if (s?.email) {
        const pdf = await invoicePdf(brand, invoice, s.serviceAddress);
        outcome = await mail
          .send(
            invoiceMail(brand, {
              to: s.email,
              name: invoice.subscriberName,
              invoiceId: invoice.id,
              kind: invoice.kind,
              number: invoice.number,
              totalMinor: invoice.totalMinor,
              currency: invoice.currency,
              dueOn: invoice.dueOn,
              pdf,
            }),
          )
          .then(
            ({ messageId }) => {
              sent += 1;
              return `sent to ${s.email} (${messageId})`;
            },
            (error: Error & { responseCode?: number }) => {
              if ((error.responseCode ?? 0) >= 500) return `not sent: ${error.message}`;
              return undefined;
            },
          );
        if (outcome === undefined) return sent;
      }
      await db.insert(invoiceDeliveries).values({ invoiceId: id, outcome }).onConflictDoNothing();
    }
  }
}
