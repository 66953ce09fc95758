import Link from "next/link";
import { notFound } from "next/navigation";
import { TicketCreateForm } from "../../../../components/ticket-forms.tsx";
import { ticketAssignees } from "../../../../server/helpdesk/tickets.ts";
import { isUuid } from "../../../../server/ids.ts";
import { deps } from "../../../../server/runtime.ts";
import { staffWith } from "../../../../server/session.ts";
import { subscriberSummary } from "../../../../server/subscriber-detail.ts";

/** Staff open a ticket on a subscriber's behalf (from the subscriber's page). */
export default async function NewTicket({
  searchParams,
}: {
  searchParams: Promise<{ subscriberId?: string }>;
}) {
  await staffWith("support:write");
  const { subscriberId = "" } = await searchParams;
  if (!isUuid(subscriberId)) notFound();
  const { db } = await deps();
  const [s, assignees] = await Promise.all([subscriberSummary(db, subscriberId), ticketAssignees(db)]);
  if (!s) notFound();
  return (
    <>
      <p>
        <Link href="/dashboard/helpdesk">← Helpdesk</Link>
      </p>
      <h2>
        New ticket for {s.name} ({s.accountNumber})
      </h2>
      <TicketCreateForm subscriberId={s.id} staff={assignees} />
    </>
  );
}
