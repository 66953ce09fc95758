import { TicketQuery, TicketQueue } from "@dotmac/contracts";
import { DataTable, formatTime, StatusBadge } from "@dotmac/ui";
import Link from "next/link";
import { TicketDue } from "../../../components/ticket-due.tsx";
import { ticketPage } from "../../../server/helpdesk/queues.ts";
import { deps } from "../../../server/runtime.ts";
import { staffWith } from "../../../server/session.ts";

const labels: Record<TicketQueue, string> = {
  mine: "Mine",
  unassigned: "Unassigned",
  breached: "Breached",
  open: "Open",
  pending: "Pending",
  resolved: "Resolved",
  closed: "Closed",
  all: "All",
};

/** The helpdesk's queues with their counts, and one queue's tickets, newest first. */
export default async function Helpdesk({
  searchParams,
}: {
  searchParams: Promise<{ queue?: string; before?: string }>;
}) {
  const staff = await staffWith("support:read");
  const params = await searchParams;
  const query = TicketQuery.parse({
    queue: TicketQueue.safeParse(params.queue).data ?? "open",
    ...(Number(params.before) > 0 ? { before: params.before } : {}),
  });
  const page = await ticketPage((await deps()).db, staff, query);
  return (
    <>
      <h2>Helpdesk</h2>
      <nav aria-label="Queues">
        <ul className="tabs">
          {TicketQueue.options.map((q) => (
            <li key={q}>
              <Link
                href={`/dashboard/helpdesk?queue=${q}`}
                aria-current={q === query.queue ? "page" : undefined}
              >
                {labels[q]} ({page.counts[q].toLocaleString("en")}
                {page.countsCapped.includes(q) ? "+" : ""})
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <p>Open a ticket for a subscriber from their page.</p>
      <DataTable
        rows={page.items}
        rowKey={(t) => t.id}
        empty="No tickets in this queue."
        columns={[
          { label: "#", cell: (t) => <Link href={`/dashboard/helpdesk/${t.id}`}>{t.number}</Link> },
          { label: "Subject", cell: (t) => <Link href={`/dashboard/helpdesk/${t.id}`}>{t.subject}</Link> },
          { label: "Subscriber", cell: (t) => `${t.subscriberName} (${t.accountNumber})` },
          { label: "Priority", cell: (t) => t.priority },
          { label: "Status", cell: (t) => <StatusBadge status={t.status} /> },
          { label: "Assignee", cell: (t) => t.assigneeName ?? "—" },
          { label: "Opened", cell: (t) => formatTime(t.createdAt) },
          { label: "SLA", cell: (t) => <TicketDue ticket={t} /> },
        ]}
      />
      {page.nextCursor ? (
        <p>
          <Link href={`/dashboard/helpdesk?queue=${query.queue}&before=${page.nextCursor}`}>Older →</Link>
        </p>
      ) : null}
    </>
  );
}
