"use client";

import type { DunningAction, DunningStep } from "@dotmac/contracts";
import { dunningActions } from "@dotmac/contracts/billing-values";
import { answer, Field, type FieldErrors, JsonForm, text } from "@dotmac/ui";
import { ispOps } from "./api.ts";
import { parseAttributeLines } from "./attribute-lines.ts";

/** The errors of a field and of everything inside it (a list's items), together. */
function FieldErrorsUnder({ errors, path }: { errors: FieldErrors; path: string }) {
  const messages = Object.entries(errors)
    .filter(([p]) => p === path || p.startsWith(`${path}.`))
    .map(([, m]) => m);
  return messages.length > 0 ? (
    <p className="ui-field-error" role="alert">
      {messages.join("; ")}
    </p>
  ) : null;
}

/** Periods, numbering, payment terms, and what every invoice and billing mail ends with. */
export function BillingGeneralForm({
  billingDay,
  invoicePrefix,
  paymentTermsDays,
  invoiceFooter,
}: {
  billingDay: number | null;
  invoicePrefix: string;
  paymentTermsDays: number;
  invoiceFooter: string | null;
}) {
  return (
    <JsonForm
      send={(json) => answer(ispOps.billing.settings.$patch({ json }))}
      submit="Save"
      done="Saved."
      toJson={(d: FormData) => ({
        billingDay: d.get("billingDay") ? Number(d.get("billingDay")) : null,
        invoicePrefix: text(d, "invoicePrefix"),
        paymentTermsDays: Number(d.get("paymentTermsDays")),
        invoiceFooter: String(d.get("invoiceFooter") ?? ""),
      })}
    >
      {(errors) => (
        <>
          <h3>Periods and numbering</h3>
          <Field
            label="Billing day (1–28; empty: each subscriber's activation day)"
            name="billingDay"
            type="number"
            min="1"
            max="28"
            defaultValue={billingDay ?? ""}
            error={errors.billingDay}
          />
          <Field
            label="Invoice number prefix"
            name="invoicePrefix"
            defaultValue={invoicePrefix}
            required
            error={errors.invoicePrefix}
          />
          <Field
            label="Payment terms (days)"
            name="paymentTermsDays"
            type="number"
            min="0"
            max="120"
            defaultValue={paymentTermsDays}
            required
            error={errors.paymentTermsDays}
          />
          <div className="ui-field">
            <label htmlFor="field-invoiceFooter">
              Invoice footer (legal name, address, tax number, bank details: on every invoice and billing
              mail)
            </label>
            <textarea
              id="field-invoiceFooter"
              name="invoiceFooter"
              rows={4}
              maxLength={1000}
              defaultValue={invoiceFooter ?? ""}
            />
            {errors.invoiceFooter ? (
              <p className="ui-field-error" role="alert">
                {errors.invoiceFooter}
              </p>
            ) : null}
          </div>
        </>
      )}
    </JsonForm>
  );
}

export function TaxRateForm() {
  return (
    <JsonForm
      send={(json) => answer(ispOps.billing["tax-rates"].$post({ json }))}
      submit="Add tax"
      done="Tax added: every new invoice line carries it."
      toJson={(d: FormData) => ({
        name: text(d, "taxName"),
        basisPoints: Math.round(Number(d.get("taxPercent")) * 100),
        inclusive: d.get("taxInclusive") === "on",
      })}
    >
      {(errors) => (
        <>
          <h3>Add a tax</h3>
          <Field label="Name" name="taxName" required error={errors.name} />
          <Field
            label="Rate (%)"
            name="taxPercent"
            type="number"
            step="0.01"
            min="0.01"
            max="100"
            required
            error={errors.basisPoints}
          />
          <div className="ui-field">
            <label>
              <input type="checkbox" name="taxInclusive" /> Included in prices
            </label>
          </div>
        </>
      )}
    </JsonForm>
  );
}

const labels: Record<DunningAction, string> = {
  reminder: "Reminder (days before due: negative)",
  notice: "Past-due notice",
  walled_garden: "Walled garden",
  suspend: "Suspension",
  terminate: "Termination",
};

/** Each step on or off, at its days past due; the API refuses a harsher step before a milder one. */
export function DunningPolicyForm({ policy }: { policy: readonly DunningStep[] }) {
  const stepOf = (a: DunningAction) => policy.find((s) => s.action === a);
  return (
    <JsonForm
      send={(json) => answer(ispOps.billing.settings.$patch({ json }))}
      submit="Save policy"
      done="Dunning policy saved."
      toJson={(d: FormData) => ({
        dunningPolicy: dunningActions
          .filter((a) => d.get(`on-${a}`) === "on")
          .map((action) => ({ action, daysOverdue: Number(d.get(`days-${action}`)) })),
      })}
    >
      {(errors) => (
        <>
          <h3>Dunning policy</h3>
          {dunningActions.map((a) => (
            <div className="ui-field" key={a}>
              <label>
                <input type="checkbox" name={`on-${a}`} defaultChecked={stepOf(a) !== undefined} />{" "}
                {labels[a]}
              </label>
              <input
                aria-label={`${labels[a]}: days past due`}
                name={`days-${a}`}
                type="number"
                min="-60"
                max="365"
                defaultValue={stepOf(a)?.daysOverdue ?? ""}
              />
            </div>
          ))}
          <FieldErrorsUnder errors={errors} path="dunningPolicy" />
        </>
      )}
    </JsonForm>
  );
}

/** RADIUS attributes of a walled-garden login, one `Name = value` a line. */
export function WalledGardenForm({ attributes }: { attributes: Record<string, string> }) {
  return (
    <JsonForm
      send={(json) => answer(ispOps.billing.settings.$patch({ json }))}
      submit="Save attributes"
      done="Walled-garden attributes saved."
      toJson={(d: FormData) => ({
        walledGardenAttributes: parseAttributeLines(String(d.get("walledGarden") ?? "")),
      })}
    >
      {(errors) => (
        <>
          <h3>Walled garden</h3>
          <div className="ui-field">
            <label htmlFor="field-walledGarden">Access-Accept attributes (Name = value, one a line)</label>
            <textarea
              id="field-walledGarden"
              name="walledGarden"
              rows={3}
              defaultValue={Object.entries(attributes)
                .map(([k, v]) => `${k} = ${v}`)
                .join("\n")}
            />
            <FieldErrorsUnder errors={errors} path="walledGardenAttributes" />
          </div>
        </>
      )}
    </JsonForm>
  );
}

export function MailTestForm({ from }: { from: string | null }) {
  return (
    <JsonForm
      send={(json) => answer(ispOps.billing["mail-test"].$post({ json }))}
      submit="Send a test message"
      done="Sent: check the mailbox."
      toJson={(d: FormData) => ({ to: text(d, "mailTestTo") })}
    >
      {(errors) => (
        <>
          <h3>Mail</h3>
          <p>
            {from
              ? `Invoices, receipts and notices are sent as ${from}, through the relay your tenant's stack configures.`
              : "No mail relay is configured for this tenant: nothing is mailed."}
          </p>
          <Field label="Send to" name="mailTestTo" type="email" required error={errors.to} />
        </>
      )}
    </JsonForm>
  );
}
