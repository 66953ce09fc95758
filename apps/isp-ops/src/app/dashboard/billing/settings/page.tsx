import { taxRates } from "@dotmac/tenant-db";
import Link from "next/link";
import {
  BillingGeneralForm,
  DunningPolicyForm,
  MailTestForm,
  TaxRateForm,
  WalledGardenForm,
} from "../../../../components/billing-settings-forms.tsx";
import { settingsOf } from "../../../../server/billing/ledger.ts";
import { deps } from "../../../../server/runtime.ts";
import { staffWith } from "../../../../server/session.ts";

export default async function BillingSettings() {
  const staff = await staffWith("billing:read");
  const { db, mail } = await deps();
  const [settings, taxes] = await Promise.all([
    settingsOf(db),
    db.select().from(taxRates).orderBy(taxRates.name),
  ]);
  const canWrite = staff.permissions.includes("billing:write");
  return (
    <>
      <h2>Billing settings</h2>
      <p>
        <Link href="/dashboard/billing">Back to billing</Link>
      </p>
      <section className="card" aria-labelledby="current">
        <h3 id="current">Now</h3>
        <dl className="facts">
          <dt>Currency</dt>
          <dd>{settings.currency}</dd>
          <dt>Periods start</dt>
          <dd>
            {settings.billingDay
              ? `on day ${settings.billingDay} of the month`
              : "on each subscriber's activation day"}
          </dd>
          <dt>Invoice numbers</dt>
          <dd>{settings.invoicePrefix}-YEAR-000001 onwards</dd>
          <dt>Payment terms</dt>
          <dd>{settings.paymentTermsDays} days</dd>
          <dt>Invoice footer</dt>
          <dd style={{ whiteSpace: "pre-line" }}>{settings.invoiceFooter ?? "none"}</dd>
          <dt>Dunning</dt>
          <dd>
            {settings.dunningPolicy.length === 0
              ? "off"
              : settings.dunningPolicy
                  .map((s) => `${s.action.replace("_", " ")} at ${s.daysOverdue}`)
                  .join(", ")}
          </dd>
        </dl>
      </section>
      <section className="card" aria-labelledby="taxes">
        <h3 id="taxes">Taxes</h3>
        {taxes.length === 0 ? (
          <p>No taxes: invoice lines carry none.</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Rate</th>
                <th scope="col">In prices</th>
                <th scope="col">Active</th>
              </tr>
            </thead>
            <tbody>
              {taxes.map((t) => (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td>{(t.basisPoints / 100).toFixed(2)} %</td>
                  <td>{t.inclusive ? "included" : "added"}</td>
                  <td>{t.active ? "yes" : "no"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {canWrite ? (
        <>
          <BillingGeneralForm
            billingDay={settings.billingDay}
            invoicePrefix={settings.invoicePrefix}
            paymentTermsDays={settings.paymentTermsDays}
            invoiceFooter={settings.invoiceFooter}
          />
          <TaxRateForm />
          <DunningPolicyForm policy={settings.dunningPolicy} />
          <WalledGardenForm attributes={settings.walledGardenAttributes} />
          <MailTestForm from={mail?.from ?? null} />
        </>
      ) : (
        <p className="notice">Changing these needs billing:write.</p>
      )}
    </>
  );
}
