import { SubscriberStatus, subscriberTransitions } from "@dotmac/contracts";
import { BarChart, formatTime, StatusBadge } from "@dotmac/ui";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DunningPauseForm, RefundForm } from "../../../../components/billing-forms.tsx";
import { CredentialsReset } from "../../../../components/credentials-reset.tsx";
import { PortalInvite } from "../../../../components/portal-invite.tsx";
import { StatusActions } from "../../../../components/status-actions.tsx";
import { SubscriberEdit } from "../../../../components/subscriber-edit.tsx";
import { bytes, planText } from "../../../../components/units.ts";
import { dunningState } from "../../../../server/billing/dunning-state.ts";
import { settingsOf } from "../../../../server/billing/ledger.ts";
import { formatMoney } from "../../../../server/billing/money.ts";
import { subscriberBilling } from "../../../../server/billing/views.ts";
import { ticketPage } from "../../../../server/helpdesk/queues.ts";
import { isUuid } from "../../../../server/ids.ts";
import { planOptions } from "../../../../server/plans.ts";
import { deps } from "../../../../server/runtime.ts";
import { staffWith } from "../../../../server/session.ts";
import { subscriberDetail } from "../../../../server/subscriber-detail.ts";

export default async function SubscriberPage({ params }: { params: Promise<{ id: string }> }) {
  const staff = await staffWith("customers:read");
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const { db } = await deps();
  const canBill = staff.permissions.includes("billing:read");
  const canSupport = staff.permissions.includes("support:read");
  const [s, plans, billing, settings, dunning, tickets] = await Promise.all([
    subscriberDetail(db, id),
    planOptions(db),
    canBill ? subscriberBilling(db, id) : undefined,
    canBill ? settingsOf(db) : undefined,
    canBill ? dunningState(db, id) : undefined,
    canSupport ? ticketPage(db, staff, { queue: "all", subscriberId: id, limit: 10 }) : undefined,
  ]);
  if (!s) notFound();
  const canWrite = staff.permissions.includes("customers:write");
  return (
    <>
      <p>
        <Link href="/dashboard/subscribers">← Subscribers</Link>
      </p>
      <h2>
        {s.name} <StatusBadge status={s.status} />
      </h2>
      <section className="card" aria-labelledby="account">
        <h3 id="account">Account</h3>
        <dl className="facts">
          <dt>Account number</dt>
          <dd>{s.accountNumber}</dd>
          <dt>Service address</dt>
          <dd>{s.serviceAddress}</dd>
          <dt>E-mail</dt>
          <dd>{s.email ?? "—"}</dd>
          <dt>Phone</dt>
          <dd>{s.phone ?? "—"}</dd>
          <dt>Plan</dt>
          <dd>{planText(s)}</dd>
          <dt>Static IP</dt>
          <dd>{s.staticIp ?? "—"}</dd>
          <dt>RADIUS username</dt>
          <dd>{s.username ?? "—"}</dd>
        </dl>
      </section>
      {canWrite ? <SubscriberEdit subscriber={s} plans={plans} /> : null}
      {canWrite ? (
        <section className="card" aria-labelledby="actions">
          <h3 id="actions">Status</h3>
          <StatusActions
            id={s.id}
            status={s.status}
            moves={subscriberTransitions[SubscriberStatus.parse(s.status)]}
          />
          <h3>RADIUS login</h3>
          <CredentialsReset id={s.id} />
          <h3>Customer portal</h3>
          <PortalInvite id={s.id} />
        </section>
      ) : null}
      {s.usage.length === 0 ? (
        <p className="notice">No usage in the last 30 days.</p>
      ) : (
        <BarChart
          title="Usage, last 30 days (MB per day)"
          data={s.usage.map((u) => ({
            label: String(u.day),
            value: Math.round((Number(u.inputOctets) + Number(u.outputOctets)) / 1e6),
          }))}
          unit=" MB"
        />
      )}
      <section className="card" aria-labelledby="sessions" style={{ marginTop: "1rem" }}>
        <h3 id="sessions">Sessions</h3>
        {s.sessions.length === 0 ? (
          <p>No sessions yet.</p>
        ) : (
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Ended</th>
                <th scope="col">NAS</th>
                <th scope="col">IP</th>
                <th scope="col">Down</th>
                <th scope="col">Up</th>
              </tr>
            </thead>
            <tbody>
              {s.sessions.map((x) => (
                <tr key={String(x.id)}>
                  <td>{formatTime(x.startedAt)}</td>
                  <td>{x.stoppedAt ? formatTime(x.stoppedAt) : "online"}</td>
                  <td>{x.nas}</td>
                  <td>{x.framedIp ?? "—"}</td>
                  <td>{bytes(x.outputOctets)}</td>
                  <td>{bytes(x.inputOctets)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card" aria-labelledby="devices">
        <h3 id="devices">Devices</h3>
        {s.devices.length === 0 ? (
          <p>No devices.</p>
        ) : (
          <ul>
            {s.devices.map((d) => (
              <li key={String(d.id)}>
                {d.model} · {d.serial} {d.mac ? `· ${d.mac}` : ""}
              </li>
            ))}
          </ul>
        )}
      </section>
      {billing && settings ? (
        <section className="card" aria-labelledby="billing">
          <h3 id="billing">Billing</h3>
          <p>
            Balance:{" "}
            <strong>
              {billing.balanceMinor < 0
                ? `${formatMoney(-billing.balanceMinor, settings.currency)} in credit`
                : `${formatMoney(billing.balanceMinor, settings.currency)} owed`}
            </strong>
          </p>
          {billing.invoices.length === 0 ? (
            <p>No invoices yet.</p>
          ) : (
            <ul>
              {billing.invoices.map((i) => (
                <li key={i.id}>
                  <Link href={`/dashboard/billing/${i.id}`}>{i.number}</Link>{" "}
                  {i.kind === "credit_note"
                    ? `credit note, ${formatMoney(i.totalMinor, i.currency)}`
                    : `${formatMoney(i.totalMinor, i.currency)} · ${i.status.replace("_", " ")}`}
                </li>
              ))}
            </ul>
          )}
          {billing.refunds.length > 0 ? (
            <>
              <h4>Refunds</h4>
              <ul>
                {billing.refunds.map((r) => (
                  <li key={r.id}>
                    {formatTime(r.at, "day")}: {formatMoney(r.amountMinor, settings.currency)} (
                    {r.method.replace("_", " ")}
                    {r.reference ? ` ${r.reference}` : ""}): {r.reason}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {billing.creditMinor > 0 && staff.permissions.includes("billing:write") ? (
            <RefundForm subscriberId={id} creditMinor={billing.creditMinor} currency={settings.currency} />
          ) : null}
        </section>
      ) : null}
      {dunning ? (
        <section className="card" aria-labelledby="dunning">
          <h3 id="dunning">Dunning</h3>
          <p>
            {dunning.daysOverdue === null
              ? "Nothing open."
              : dunning.daysOverdue > 0
                ? `Oldest open invoice ${dunning.daysOverdue} days past due.`
                : "Nothing past due."}
            {dunning.walledGardenSince
              ? ` In the walled garden since ${dunning.walledGardenSince.slice(0, 10)}.`
              : ""}
            {dunning.suspendedByDunning ? " Suspended for non-payment: paying lifts it." : ""}
            {dunning.pausedUntil ? ` Held until ${dunning.pausedUntil}.` : ""}
          </p>
          {dunning.events.length > 0 ? (
            <ol>
              {dunning.events.map((e) => (
                <li key={e.id}>
                  {formatTime(e.at)}: {e.kind.replace("_", " ")}
                  {typeof e.detail.skipped === "string" ? ` (skipped: ${e.detail.skipped})` : ""}
                </li>
              ))}
            </ol>
          ) : null}
          {staff.permissions.includes("billing:write") ? (
            <DunningPauseForm subscriberId={id} pausedUntil={dunning.pausedUntil} />
          ) : null}
        </section>
      ) : null}
      {tickets ? (
        <section className="card" aria-labelledby="tickets">
          <h3 id="tickets">Tickets</h3>
          {tickets.items.length === 0 ? (
            <p>No tickets.</p>
          ) : (
            <ul>
              {tickets.items.map((t) => (
                <li key={t.id}>
                  <Link href={`/dashboard/helpdesk/${t.id}`}>
                    #{t.number} {t.subject}
                  </Link>{" "}
                  <StatusBadge status={t.status} /> {formatTime(t.createdAt, "day")}
                </li>
              ))}
            </ul>
          )}
          {staff.permissions.includes("support:write") ? (
            <p>
              <Link className="button" href={`/dashboard/helpdesk/new?subscriberId=${id}`}>
                Open a ticket
              </Link>
            </p>
          ) : null}
        </section>
      ) : null}
      <section className="card" aria-labelledby="history">
        <h3 id="history">History</h3>
        {s.history.length === 0 ? (
          <p>No status changes yet.</p>
        ) : (
          <ol>
            {s.history.map((h) => (
              <li key={`${h.at}-${h.to}`}>
                {formatTime(h.at)}: {h.from} → {h.to}
                {h.reason ? ` (${h.reason})` : ""}
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}
