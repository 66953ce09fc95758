import type { PortalTicketCreate } from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import { staffUsers, supportTickets, type TenantDb, ticketMessages } from "@dotmac/tenant-db";
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { audit } from "../audit.ts";
import type { IspOpsDeps } from "../deps.ts";
import { createTicket, statusChange } from "../helpdesk/tickets.ts";
import type { Customer } from "./customers.ts";

const t = supportTickets;
const m = ticketMessages;

// A subscriber sees their own tickets only, and of each only the public thread: no internal
// notes, no assignee, no SLA clocks. Another subscriber's ticket is a 404, as an unknown one is.

const ownColumns = {
  id: t.id,
  number: t.number,
  subject: t.subject,
  category: t.category,
  status: t.status,
  createdAt: t.createdAt,
  updatedAt: t.updatedAt,
};

export function ownTickets(db: TenantDb, customer: Customer) {
  return db
    .select(ownColumns)
    .from(t)
    .where(eq(t.subscriberId, customer.id))
    .orderBy(desc(t.number))
    .limit(100);
}

export async function ownTicket(db: TenantDb, customer: Customer, id: string) {
  const [ticket] = await db
    .select(ownColumns)
    .from(t)
    .where(and(eq(t.id, id), eq(t.subscriberId, customer.id)));
  if (!ticket) return undefined;
  const messages = await db
    .select({
      id: sql<string>`${m.id}::text`,
      authorType: m.authorType,
      authorName: sql<string>`coalesce(${staffUsers.displayName}, ${customer.name})`,
      body: m.body,
      at: m.at,
    })
    .from(m)
    .leftJoin(staffUsers, and(eq(m.authorType, "staff"), eq(sql`${staffUsers.id}::text`, m.authorId)))
    .where(and(eq(m.ticketId, id), eq(m.internal, false)))
    .orderBy(asc(m.id));
  return { ...ticket, messages };
}

export const openOwnTicket = (
  deps: Pick<IspOpsDeps, "db" | "mail">,
  customer: Customer,
  input: PortalTicketCreate,
) =>
  createTicket(
    deps,
    { subscriber: customer.id },
    { ...input, subscriberId: customer.id, priority: "normal" },
  );

/** The subscriber answers: a ticket waiting on them, or one staff had resolved, is open again. */
export async function replyOwnTicket(db: TenantDb, customer: Customer, id: string, body: string) {
  return db.transaction(async (tx) => {
    const [ticket] = await tx
      .select()
      .from(t)
      .where(and(eq(t.id, id), eq(t.subscriberId, customer.id)))
      .for("update");
    if (!ticket) throw new ProblemError(404, { detail: "no such ticket" });
    if (ticket.status === "closed") {
      throw new ProblemError(409, { detail: "this ticket is closed: open a new one" });
    }
    const [message] = await tx
      .insert(m)
      .values({ ticketId: id, authorType: "subscriber", authorId: customer.id, body })
      .returning({ id: m.id });
    const reopened = ticket.status === "open" ? {} : statusChange(ticket.status, "open");
    const [after] = await tx
      .update(t)
      .set({ ...reopened, updatedAt: sql`now()` })
      .where(eq(t.id, id))
      .returning({ status: t.status });
    await audit(
      tx,
      { subscriber: customer.id },
      {
        action: "ticket.reply",
        targetType: "ticket",
        targetId: id,
        ...(after?.status !== ticket.status ? { before: { status: ticket.status } } : {}),
        after: { messageId: message?.id, status: after?.status },
      },
    );
    return { id: String(message?.id), status: after?.status ?? ticket.status };
  });
}
