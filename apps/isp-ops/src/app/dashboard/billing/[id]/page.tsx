import { formatTime, StatusBadge } from "@dotmac/ui";
import Link from "next/link";
import { notFound } from "next/navigation";
import {
  CheckoutForm,
  CreditNoteForm,
  PaymentForm,
  VoidForm,
} from "../../../../components/billing-forms.tsx";
import { formatMoney } from "../../../../server/billing/money.ts";
import { invoiceDetail } from "../../../../server/billing/views.ts";
import { isUuid } from "../../../../server/ids.ts";
import { deps } from "../../../../server/runtime.ts";
import { staffWith } from "../../../../server/session.ts";

export default async function InvoicePage({ params }: { params: Promise<{ id: string }> }) {
  const staff = await staffWith("billing:read");
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const { db, gateway } = await deps();
  const invoice = await invoiceDetail(db, id);
  if (!invoice) notFound();
  const money = (minor: number) => formatMoney(minor, invoice.currency);
  const open = invoice.kind === "invoice" && ["issued", "partially_paid", "overdue"].includes(invoice.status);
  const canWrite = staff.permissions.includes("billing:write");
  return (
    <>
      <p>
        <Link href="/dashboard/billing">← Billing</Link>
      </p>
      <h2>
        {invoice.kind === "credit_note" ? "Credit note" : "Invoice"} {invoice.number}{" "}
        <StatusBadge status={invoice.status} />
      </h2>
      <p>
        {/* A plain link: the browser shows the PDF itself (not a client-side route). */}
        <a href={`/api/v1/invoices/${invoice.id}/pdf`}>PDF</a>
      </p>
      <dl className="facts">
        <dt>Subscriber</dt>
        <dd>
          <Link href={`/dashboard/subscribers/${invoice.subscriberId}`}>{invoice.subscriberName}</Link>{" "}
          (account {invoice.accountNumber})
        </dd>
        <dt>Period</dt>
        <dd>{invoice.periodStart ? `${invoice.periodStart} – ${invoice.periodEnd}` : "one-off"}</dd>
        <dt>Due</dt>
        <dd>{invoice.dueOn ?? "—"}</dd>
        <dt>Open</dt>
        <dd>{money(invoice.openMinor)}</dd>
      </dl>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Line</th>
            <th scope="col">Qty</th>
            <th scope="col">Net</th>
            <th scope="col">Tax</th>
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          {invoice.lines.map((l) => (
            <tr key={l.description}>
              <td>{l.description}</td>
              <td>{l.quantity}</td>
              <td>{money(l.netMinor)}</td>
              <td>
                {l.taxes
                  .map(
                    (t) =>
                      `${t.name} ${t.basisPoints / 100} %${t.inclusive ? " incl." : ""}: ${money(t.amountMinor)}`,
                  )
                  .join("; ") || money(l.taxMinor)}
              </td>
              <td>{money(l.totalMinor)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td />
            <td>{money(invoice.netMinor)}</td>
            <td>{money(invoice.taxMinor)}</td>
            <td>{money(invoice.totalMinor)}</td>
          </tr>
        </tfoot>
      </table>
      {invoice.payments.length > 0 ? (
        <section className="card" aria-labelledby="paid">
          <h3 id="paid">Paid by</h3>
          <ul>
            {invoice.payments.map((p) => (
              <li key={p.paymentId}>
                {money(p.amountMinor)} by {p.method.replace("_", " ")}
                {p.reference ? ` (${p.reference})` : ""}, {formatTime(p.receivedAt, "day")} ·{" "}
                <a href={`/api/v1/payments/${p.paymentId}/receipt`}>Receipt</a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {invoice.creditNotes.length > 0 ? (
        <section className="card" aria-labelledby="credited">
          <h3 id="credited">Credit notes</h3>
          <ul>
            {invoice.creditNotes.map((c) => (
              <li key={c.id}>
                <Link href={`/dashboard/billing/${c.id}`}>{c.number}</Link>: {money(c.totalMinor)} — {c.note}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {canWrite && open ? (
        <>
          <PaymentForm
            subscriberId={invoice.subscriberId}
            invoiceId={invoice.id}
            currency={invoice.currency}
          />
          {gateway ? <CheckoutForm invoiceId={invoice.id} /> : null}
          <CreditNoteForm invoiceId={invoice.id} />
          {invoice.openMinor === invoice.totalMinor ? <VoidForm invoiceId={invoice.id} /> : null}
        </>
      ) : null}
    </>
  );
}
