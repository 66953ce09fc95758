import { ticketTransitions } from "@dotmac/contracts";
import { formatTime, StatusBadge } from "@dotmac/ui";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TicketDue } from "../../../../components/ticket-due.tsx";
import { TicketReplyForm, TicketUpdateForm } from "../../../../components/ticket-forms.tsx";
import { planText } from "../../../../components/units.ts";
import { formatMoney } from "../../../../server/billing/money.ts";
import { ticketDetail } from "../../../../server/helpdesk/ticket-detail.ts";
import { ticketAssignees } from "../../../../server/helpdesk/tickets.ts";
import { isUuid } from "../../../../server/ids.ts";
import { deps } from "../../../../server/runtime.ts";
import { staffWith } from "../../../../server/session.ts";

/** A ticket: its thread (internal notes marked), its SLA, and the subscriber as support needs them. */
export default async function TicketPage({ params }: { params: Promise<{ id: string }> }) {
  const staff = await staffWith("support:read");
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const { db } = await deps();
  const [t, assignees] = await Promise.all([ticketDetail(db, id), ticketAssignees(db)]);
  if (!t) notFound();
  const canWrite = staff.permissions.includes("support:write");
  const s = t.subscriber;
  const moves = ticketTransitions[t.status];
  return (
    <>
      <p>
        <Link href="/dashboard/helpdesk">← Helpdesk</Link>
      </p>
      <h2>
        #{t.number} {t.subject} <StatusBadge status={t.status} />
      </h2>
      <div className="grid">
        <section className="card" aria-labelledby="sla">
          <h3 id="sla">Ticket</h3>
          <dl className="facts">
            <dt>Priority</dt>
            <dd>{t.priority}</dd>
            <dt>Category</dt>
            <dd>{t.category}</dd>
            <dt>Assignee</dt>
            <dd>{t.assigneeName ?? "nobody"}</dd>
            <dt>Opened</dt>
            <dd>{formatTime(t.createdAt)}</dd>
            <dt>First answer due</dt>
            <dd>
              {formatTime(t.firstResponseDueAt)}
              {t.firstRespondedAt ? `, answered ${formatTime(t.firstRespondedAt)}` : ""}
            </dd>
            <dt>Resolution due</dt>
            <dd>{t.resolutionDueAt ? formatTime(t.resolutionDueAt) : "clock stopped while pending"}</dd>
            <dt>SLA</dt>
            <dd>
              <TicketDue ticket={t} />
            </dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="subscriber">
          <h3 id="subscriber">Subscriber</h3>
          <dl className="facts">
            <dt>Name</dt>
            <dd>
              {staff.permissions.includes("customers:read") ? (
                <Link href={`/dashboard/subscribers/${s.id}`}>{s.name}</Link>
              ) : (
                s.name
              )}{" "}
              ({t.accountNumber})
            </dd>
            <dt>Status</dt>
            <dd>
              <StatusBadge status={s.status} />
            </dd>
            <dt>Plan</dt>
            <dd>{planText(s)}</dd>
            <dt>Contact</dt>
            <dd>{[s.email, s.phone].filter(Boolean).join(" · ") || "—"}</dd>
            <dt>Online</dt>
            <dd>{s.online ? "yes" : "no"}</dd>
          </dl>
          <h4>Last sessions</h4>
          {s.sessions.length === 0 ? (
            <p>No sessions yet.</p>
          ) : (
            <ul>
              {s.sessions.map((x) => (
                <li key={x.id}>
                  {formatTime(x.startedAt)} on {x.nas}
                  {x.framedIp ? ` as ${x.framedIp}` : ""}:{" "}
                  {x.stoppedAt
                    ? `ended ${formatTime(x.stoppedAt)} (${x.terminateCause ?? "no cause"})`
                    : "online"}
                </li>
              ))}
            </ul>
          )}
          <h4>Open invoices</h4>
          {s.openInvoices.length === 0 ? (
            <p>Nothing owed.</p>
          ) : (
            <ul>
              {s.openInvoices.map((i) => (
                <li key={i.id}>
                  {i.number}: {formatMoney(i.openMinor, i.currency)} open, {i.status.replace("_", " ")}
                  {i.dueOn ? `, due ${i.dueOn}` : ""}
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <section aria-labelledby="thread">
        <h3 id="thread">Thread</h3>
        <ol className="thread">
          {t.messages.map((m) => (
            <li key={m.id} className={m.internal ? "card internal" : "card"}>
              <p>
                <strong>{m.authorName}</strong> · {formatTime(m.at)}
                {m.internal ? " · internal note" : ""}
              </p>
              <p style={{ whiteSpace: "pre-wrap" }}>{m.body}</p>
              {m.mailed ? <p className="hint">E-mail: {m.mailed}</p> : null}
            </li>
          ))}
        </ol>
      </section>
      {canWrite && t.status !== "closed" ? (
        <div className="grid">
          <TicketReplyForm id={t.id} moves={moves} />
          <TicketUpdateForm
            // A new form when the ticket changed: its selects start from what the ticket is now.
            key={[t.status, t.priority, t.category, t.assigneeId].join()}
            id={t.id}
            status={t.status}
            moves={moves}
            priority={t.priority}
            category={t.category}
            assigneeId={t.assigneeId}
            staff={assignees}
          />
        </div>
      ) : null}
      {t.status === "closed" ? (
        <p className="notice">
          Closed {t.closedAt ? formatTime(t.closedAt) : ""}: a new problem is a new ticket.
        </p>
      ) : null}
    </>
  );
}
