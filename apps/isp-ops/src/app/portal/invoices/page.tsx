import { formatTime, StatusBadge } from "@dotmac/ui";
import Link from "next/link";
import { PayButton } from "../../../components/portal/pay-button.tsx";
import { formatMoney } from "../../../server/billing/money.ts";
import { ownInvoices } from "../../../server/portal/own-invoices.ts";
import { currentCustomer } from "../../../server/portal/session.ts";
import { deps } from "../../../server/runtime.ts";

/** What the subscriber owes, each invoice with its PDF, a card payment for what is open, and receipts. */
export default async function PortalInvoices() {
  const customer = await currentCustomer();
  const { db, gateway } = await deps();
  const { items, balanceMinor, currency, payments } = await ownInvoices(db, customer);
  return (
    <>
      <p>
        <Link href="/portal">← Your service</Link>
      </p>
      <h1>Invoices</h1>
      <p className="card">
        {balanceMinor > 0
          ? `You owe ${formatMoney(balanceMinor, currency)}.`
          : balanceMinor < 0
            ? `You have ${formatMoney(-balanceMinor, currency)} in credit.`
            : "Nothing is owed."}
      </p>
      {items.length === 0 ? (
        <p>No invoices yet.</p>
      ) : (
        <ul className="portal-list">
          {items.map((i) => (
            <li key={i.id} className="card">
              <p>
                <strong>{i.number}</strong> <StatusBadge status={i.status} />
              </p>
              <p>
                {i.kind === "credit_note" ? "Credit note" : "Invoice"} of{" "}
                {formatMoney(i.totalMinor, i.currency)}
                {i.issuedAt ? `, issued ${formatTime(i.issuedAt, "day")}` : ""}
                {i.kind === "invoice" && i.dueOn && i.openMinor > 0 ? `, due ${i.dueOn}` : ""}
              </p>
              <p>
                <a href={`/api/v1/portal/invoices/${i.id}/pdf`}>PDF</a>
              </p>
              {gateway && i.kind === "invoice" && i.openMinor > 0 ? (
                <PayButton id={i.id} label={`Pay ${formatMoney(i.openMinor, i.currency)} by card`} />
              ) : null}
            </li>
          ))}
        </ul>
      )}
      <h2>Payments</h2>
      {payments.length === 0 ? (
        <p>No payments yet.</p>
      ) : (
        <ul className="portal-list">
          {payments.map((p) => (
            <li key={p.id} className="card">
              <p>
                <strong>{formatMoney(p.amountMinor, p.currency)}</strong> by {p.method.replace("_", " ")},{" "}
                {formatTime(p.receivedAt, "day")}
              </p>
              <p>
                {p.invoiceNumbers.length > 0
                  ? `Paid ${p.invoiceNumbers.join(", ")}`
                  : "Not on an invoice yet"}
                {p.creditMinor > 0 ? `; ${formatMoney(p.creditMinor, p.currency)} kept as credit` : ""}
                {p.refundedMinor > 0 ? `; ${formatMoney(p.refundedMinor, p.currency)} given back` : ""}
              </p>
              <p>
                <a href={`/api/v1/portal/payments/${p.id}/receipt`}>Receipt (PDF)</a>
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
