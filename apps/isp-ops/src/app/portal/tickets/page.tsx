import { formatTime, StatusBadge } from "@dotmac/ui";
import Link from "next/link";
import { TicketOpenForm } from "../../../components/portal/ticket-forms.tsx";
import { ownTickets } from "../../../server/portal/own-tickets.ts";
import { currentCustomer } from "../../../server/portal/session.ts";
import { deps } from "../../../server/runtime.ts";

export default async function PortalTickets() {
  const customer = await currentCustomer();
  const tickets = await ownTickets((await deps()).db, customer);
  return (
    <>
      <p>
        <Link href="/portal">← Your service</Link>
      </p>
      <h1>Help</h1>
      <TicketOpenForm />
      <section aria-labelledby="yours">
        <h2 id="yours">Your tickets</h2>
        {tickets.length === 0 ? (
          <p>None yet.</p>
        ) : (
          <ul className="portal-list">
            {tickets.map((t) => (
              <li key={t.id}>
                <Link href={`/portal/tickets/${t.id}`}>
                  #{t.number} {t.subject}
                </Link>{" "}
                <StatusBadge status={t.status} />{" "}
                <span className="hint">updated {formatTime(t.updatedAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
