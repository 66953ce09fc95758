import type { DunningAction } from "@dotmac/contracts";
import type { Branding } from "../branding.ts";
import { branded, type Mail } from "../mail.ts";
import { formatMoney } from "./money.ts";

export interface NoticeFacts {
  readonly to: string;
  readonly name: string;
  readonly invoiceId: string;
  readonly number: string;
  readonly dueOn: string;
  readonly days: number;
  readonly openMinor: number;
  readonly currency: string;
}

/** What each dunning step tells the subscriber, in the tenant's name and colours. */
export function dunningNotice(brand: Branding, step: DunningAction, f: NoticeFacts): Mail {
  const owed = formatMoney(f.openMinor, f.currency);
  const [subject, ...body]: string[] = {
    reminder: [
      `Invoice ${f.number} is due on ${f.dueOn}`,
      `This is a reminder that invoice ${f.number} (${owed}) is due on ${f.dueOn}.`,
    ],
    notice: [
      `Invoice ${f.number} is past due`,
      `Invoice ${f.number} was due on ${f.dueOn} and ${owed} is still open.`,
      "Please pay it to keep your service running.",
    ],
    walled_garden: [
      `Your internet access is limited: invoice ${f.number} is unpaid`,
      `Invoice ${f.number} is ${f.days} days past due and ${owed} is open, so your internet access is now limited to our payment pages.`,
      "It is restored as soon as the invoice is paid.",
    ],
    suspend: [
      `Your service is suspended: invoice ${f.number} is unpaid`,
      `Invoice ${f.number} is ${f.days} days past due and ${owed} is open, so your service is suspended.`,
      "Paying the invoice restores it.",
    ],
    terminate: [
      "Your service has ended",
      `Invoice ${f.number} remained unpaid ${f.days} days past its due date, so your service has ended. ${owed} is still owed.`,
    ],
  }[step];
  const mail = branded(brand, f.to, subject ?? "", [`Dear ${f.name},`, ...body]);
  return { ...mail, messageId: `<dunning-${step}-${f.invoiceId}@${brand.slug}.dotmac>` };
}

/** A receipt for a payment, naming what it paid and what it left as credit. */
export function receipt(
  brand: Branding,
  f: {
    to: string;
    name: string;
    paymentId: string;
    amountMinor: number;
    currency: string;
    creditMinor: number;
  },
): Mail {
  const paid = formatMoney(f.amountMinor, f.currency);
  const mail = branded(brand, f.to, `Receipt for your payment of ${paid}`, [
    `Dear ${f.name},`,
    `Thank you: we received your payment of ${paid}.`,
    ...(f.creditMinor > 0
      ? [`${formatMoney(f.creditMinor, f.currency)} of it is kept as credit for your next invoices.`]
      : []),
  ]);
  return { ...mail, messageId: `<receipt-${f.paymentId}@${brand.slug}.dotmac>` };
}

/** An issued invoice (or credit note), its PDF attached. */
export function invoiceMail(
  brand: Branding,
  f: {
    to: string;
    name: string;
    invoiceId: string;
    kind: "invoice" | "credit_note";
    number: string;
    totalMinor: number;
    currency: string;
    dueOn: string | null;
    pdf: Buffer;
  },
): Mail {
  const what = f.kind === "credit_note" ? "Credit note" : "Invoice";
  const amount = formatMoney(f.totalMinor, f.currency);
  const mail = branded(brand, f.to, `${what} ${f.number} from ${brand.name}`, [
    `Dear ${f.name},`,
    f.kind === "credit_note"
      ? `Attached is credit note ${f.number} of ${amount}.`
      : `Attached is invoice ${f.number} of ${amount}${f.dueOn ? `, due on ${f.dueOn}` : ""}.`,
  ]);
  return {
    ...mail,
    messageId: `<invoice-${f.invoiceId}@${brand.slug}.dotmac>`,
    attachments: [{ filename: `${f.number}.pdf`, content: f.pdf, contentType: "application/pdf" }],
  };
}
