"use client";

import type { PaymentMethod } from "@dotmac/contracts";
import { answer, choice, Field, JsonForm, optionalText, text } from "@dotmac/ui";
import { ispOps } from "./api.ts";

const minor = (v: FormDataEntryValue | null) => Math.round(Number(v ?? 0) * 100);

/** An amount in major units (the form sends minor ones), at most `max` when given. */
function AmountField({
  currency,
  error,
  max,
}: {
  currency: string;
  error?: string | undefined;
  max?: number;
}) {
  const most = max === undefined ? {} : { max: (max / 100).toFixed(2), defaultValue: (max / 100).toFixed(2) };
  return (
    <Field
      label={`Amount (${currency})`}
      name="amount"
      type="number"
      step="0.01"
      min="0.01"
      required
      error={error}
      {...most}
    />
  );
}

/** Bills every period that has started by today (what the nightly CronJob does). */
export function BillingRunForm() {
  return (
    <JsonForm
      send={(json) => answer(ispOps.billing.runs.$post({ json }))}
      submit="Run billing now"
      done={(b) => `Billing run done: ${b.invoices} invoice(s) for ${b.subscribers} subscriber(s).`}
      toJson={() => ({})}
    >
      {() => <h3>Billing run</h3>}
    </JsonForm>
  );
}

export function PaymentForm({
  subscriberId,
  invoiceId,
  currency,
}: {
  subscriberId: string;
  invoiceId: string;
  currency: string;
}) {
  return (
    <JsonForm
      send={(json) => answer(ispOps.payments.$post({ json }))}
      submit="Record payment"
      done={(b) =>
        b.creditMinor > 0
          ? `Payment recorded; ${(b.creditMinor / 100).toFixed(2)} left as credit.`
          : "Payment recorded."
      }
      toJson={(d: FormData) => ({
        subscriberId,
        invoiceIds: [invoiceId],
        amountMinor: minor(d.get("amount")),
        currency,
        method: choice<Exclude<PaymentMethod, "card">>(d, "method"),
        reference: optionalText(d, "reference"),
      })}
    >
      {(errors) => (
        <>
          <h3>Record a payment</h3>
          <AmountField currency={currency} error={errors.amountMinor} />
          <div className="ui-field">
            <label htmlFor="field-method">Method</label>
            <select id="field-method" name="method" defaultValue="cash">
              <option value="cash">Cash</option>
              <option value="bank_transfer">Bank transfer</option>
              <option value="mobile_money">Mobile money</option>
            </select>
          </div>
          <Field label="Reference" name="reference" error={errors.reference} />
        </>
      )}
    </JsonForm>
  );
}

export function CreditNoteForm({ invoiceId }: { invoiceId: string }) {
  return (
    <JsonForm
      send={(json) =>
        answer(ispOps.invoices[":id"]["credit-notes"].$post({ param: { id: invoiceId }, json }))
      }
      submit="Issue credit note"
      done="Credit note issued."
      toJson={(d: FormData) => ({
        amountMinor: minor(d.get("creditAmount")),
        reason: text(d, "creditReason"),
      })}
    >
      {(errors) => (
        <>
          <h3>Credit note</h3>
          <Field
            label="Amount"
            name="creditAmount"
            type="number"
            step="0.01"
            min="0.01"
            required
            error={errors.amountMinor}
          />
          <Field label="Reason" name="creditReason" required error={errors.reason} />
        </>
      )}
    </JsonForm>
  );
}

export function VoidForm({ invoiceId }: { invoiceId: string }) {
  return (
    <JsonForm
      send={(json) => answer(ispOps.invoices[":id"].void.$post({ param: { id: invoiceId }, json }))}
      submit="Void invoice"
      done="Invoice voided."
      toJson={(d: FormData) => ({ reason: text(d, "voidReason") })}
    >
      {(errors) => (
        <>
          <h3>Void</h3>
          <Field label="Reason" name="voidReason" required error={errors.reason} />
        </>
      )}
    </JsonForm>
  );
}

/** Holds dunning until a day (the subscriber promised to pay), or lifts the hold. */
export function DunningPauseForm({
  subscriberId,
  pausedUntil,
}: {
  subscriberId: string;
  pausedUntil: string | null;
}) {
  return (
    <JsonForm
      send={(json) => answer(ispOps.subscribers[":id"].dunning.$put({ param: { id: subscriberId }, json }))}
      submit={pausedUntil ? "Change the hold" : "Hold dunning"}
      done={(b) => (b.pausedUntil ? `Dunning held until ${b.pausedUntil}.` : "Dunning resumed.")}
      toJson={(d: FormData) => ({
        until: text(d, "pauseUntil") || null,
        reason: optionalText(d, "pauseReason"),
      })}
    >
      {(errors) => (
        <>
          <Field
            label="Hold until (empty: resume)"
            name="pauseUntil"
            type="date"
            defaultValue={pausedUntil ?? ""}
            error={errors.until}
          />
          <Field label="Why (a promise to pay, say)" name="pauseReason" error={errors.reason} />
        </>
      )}
    </JsonForm>
  );
}

/** A card payment page (Stripe Checkout) for what is open, to send the subscriber. */
export function CheckoutForm({ invoiceId }: { invoiceId: string }) {
  return (
    <JsonForm
      send={() => answer(ispOps.invoices[":id"].checkout.$post({ param: { id: invoiceId } }))}
      submit="Make a card payment link"
      done={(b) => `Card payment link for the subscriber: ${b.url}`}
      toJson={() => ({})}
    >
      {() => <h3>Pay by card</h3>}
    </JsonForm>
  );
}

/** Gives back part of the subscriber's credit: a card payment's part through the gateway. */
export function RefundForm({
  subscriberId,
  creditMinor,
  currency,
}: {
  subscriberId: string;
  creditMinor: number;
  currency: string;
}) {
  return (
    <JsonForm
      send={(json) => answer(ispOps.subscribers[":id"].refunds.$post({ param: { id: subscriberId }, json }))}
      submit="Refund"
      done={(b) => `Refunded; ${(b.creditMinor / 100).toFixed(2)} ${currency} credit left.`}
      toJson={(d: FormData) => ({
        amountMinor: minor(d.get("amount")),
        reason: text(d, "reason"),
        reference: optionalText(d, "refundReference"),
      })}
    >
      {(errors) => (
        <>
          <h3>Refund credit</h3>
          <AmountField currency={currency} error={errors.amountMinor} max={creditMinor} />
          <Field label="Why" name="reason" required error={errors.reason} />
          <Field
            label="Transfer reference (not for card payments)"
            name="refundReference"
            error={errors.reference}
          />
        </>
      )}
    </JsonForm>
  );
}
