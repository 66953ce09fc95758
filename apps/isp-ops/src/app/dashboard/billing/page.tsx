import { InvoiceQuery, InvoiceStatus } from "@dotmac/contracts";
import { billingRuns } from "@dotmac/tenant-db";
import { BarChart, StatCard, StatusBadge } from "@dotmac/ui";
import { desc } from "drizzle-orm";
import Link from "next/link";
import { BillingRunForm } from "../../../components/billing-forms.tsx";
import { settingsOf } from "../../../server/billing/ledger.ts";
import { formatMoney } from "../../../server/billing/money.ts";
import { billingOverview } from "../../../server/billing/overview.ts";
import { listInvoices } from "../../../server/billing/views.ts";
import { deps } from "../../../server/runtime.ts";
import { staffWith } from "../../../server/session.ts";

export default async function Billing({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const staff = await staffWith("billing:read");
  const raw = await searchParams;
  const parsed = InvoiceQuery.safeParse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== "")));
  const query = parsed.success ? parsed.data : InvoiceQuery.parse({});
  const { db } = await deps();
  const [page, runs, o, { currency }] = await Promise.all([
    listInvoices(db, query),
    db.select().from(billingRuns).orderBy(desc(billingRuns.startedAt)).limit(5),
    billingOverview(db),
    settingsOf(db),
  ]);
  const money = (minor: number) => formatMoney(minor, currency);
  const major = (minor: number) => Math.round(minor / 100);
  return (
    <>
      <h2>Billing</h2>
      <p>
        <Link href="/dashboard/billing/settings">Billing settings</Link>
      </p>
      <div className="grid">
        <StatCard
          label="MRR"
          value={money(o.mrrMinor)}
          hint={`${o.activeSubscribers} active subscriber(s)`}
        />
        <StatCard label="Invoiced this month" value={money(o.thisMonth.invoicedMinor)} />
        <StatCard label="Collected this month" value={money(o.thisMonth.collectedMinor)} />
        <StatCard
          label="Collection rate"
          value={o.collectionRate === null ? "—" : `${(o.collectionRate * 100).toFixed(1)} %`}
          hint="of the last six months' invoices, paid so far"
        />
      </div>
      <div className="grid" style={{ marginTop: "1rem" }}>
        <BarChart
          title={`Invoiced by month (${currency})`}
          data={o.months.map((m) => ({ label: m.month, value: major(m.invoicedMinor) }))}
        />
        <BarChart
          title={`Collected by month (${currency})`}
          data={o.months.map((m) => ({ label: m.month, value: major(m.collectedMinor) }))}
        />
        <BarChart
          title={`Receivables by days past due (${currency})`}
          data={o.receivables.map((r) => ({ label: r.bucket, value: major(r.openMinor) }))}
        />
      </div>
      <h3>Invoices</h3>
      <form className="toolbar" method="get">
        <label>
          Search <input name="q" defaultValue={query.q ?? ""} placeholder="invoice number or name" />
        </label>
        <label>
          Status{" "}
          <select name="status" defaultValue={query.status ?? ""}>
            <option value="">any</option>
            {InvoiceStatus.options.map((s) => (
              <option key={s} value={s}>
                {s.replace("_", " ")}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Find</button>
      </form>
      {page.items.length === 0 ? (
        <p className="notice">
          No invoices{query.q || query.status ? " match" : " yet: a billing run makes them"}.
        </p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Number</th>
              <th scope="col">Subscriber</th>
              <th scope="col">Period</th>
              <th scope="col">Total</th>
              <th scope="col">Open</th>
              <th scope="col">Due</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((i) => (
              <tr key={i.id}>
                <td>
                  <Link href={`/dashboard/billing/${i.id}`}>{i.number ?? "draft"}</Link>
                  {i.kind === "credit_note" ? " (credit note)" : ""}
                </td>
                <td>
                  <Link href={`/dashboard/subscribers/${i.subscriberId}`}>{i.subscriberName}</Link>
                </td>
                <td>{i.periodStart ? `${i.periodStart} – ${i.periodEnd}` : "one-off"}</td>
                <td>{formatMoney(i.totalMinor, i.currency)}</td>
                <td>{formatMoney(i.openMinor, i.currency)}</td>
                <td>{i.dueOn ?? "—"}</td>
                <td>
                  <StatusBadge status={i.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>{page.totalIsEstimate ? "10,000+" : page.total} invoice(s)</p>
      {staff.permissions.includes("billing:write") ? <BillingRunForm /> : null}
      {runs.length > 0 ? (
        <section className="card" aria-labelledby="runs">
          <h3 id="runs">Latest billing runs</h3>
          <ul>
            {runs.map((r) => (
              <li key={r.id}>
                {r.asOf}: {r.invoices} invoice(s), {r.subscribers} subscriber(s),{" "}
                {r.error ? `failed: ${r.error}` : r.finishedAt ? "finished" : "not finished"}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
