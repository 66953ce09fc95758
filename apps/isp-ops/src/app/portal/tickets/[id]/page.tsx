import { formatTime, StatusBadge } from "@dotmac/ui";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TicketReplyForm } from "../../../../components/portal/ticket-forms.tsx";
import { isUuid } from "../../../../server/ids.ts";
import { ownTicket } from "../../../../server/portal/own-tickets.ts";
import { currentCustomer } from "../../../../server/portal/session.ts";
import { deps } from "../../../../server/runtime.ts";

/** One of the subscriber's tickets: the public thread, and a reply while it is not closed. */
export default async function PortalTicket({ params }: { params: Promise<{ id: string }> }) {
  const customer = await currentCustomer();
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const t = await ownTicket((await deps()).db, customer, id);
  if (!t) notFound();
  return (
    <>
      <p>
        <Link href="/portal/tickets">← Your tickets</Link>
      </p>
      <h1>
        #{t.number} {t.subject} <StatusBadge status={t.status} />
      </h1>
      <ol className="thread">
        {t.messages.map((m) => (
          <li key={m.id} className="card">
            <p>
              <strong>{m.authorType === "subscriber" ? "You" : m.authorName}</strong> · {formatTime(m.at)}
            </p>
            <p style={{ whiteSpace: "pre-wrap" }}>{m.body}</p>
          </li>
        ))}
      </ol>
      {t.status === "closed" ? (
        <p className="notice">This ticket is closed. Something new? Open a new ticket.</p>
      ) : (
        <TicketReplyForm id={t.id} />
      )}
    </>
  );
}
