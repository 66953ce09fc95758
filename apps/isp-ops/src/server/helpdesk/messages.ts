import type { TicketMessageCreate } from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import { supportTickets, ticketMessages } from "@dotmac/tenant-db";
import { eq, sql } from "drizzle-orm";
import { audit } from "../audit.ts";
import type { Staff } from "../auth.ts";
import type { IspOpsDeps } from "../deps.ts";
import { mailTicketMessage } from "./ticket-mail.ts";
import { lockTicket, statusChange } from "./tickets.ts";

/**
 * Staff write on a ticket: a public reply (the first one answers it, for the SLA; it is mailed to
 * the subscriber) or an internal note, and may move the ticket along in the same step.
 */
export async function addStaffMessage(
  deps: Pick<IspOpsDeps, "db" | "mail" | "publicUrl">,
  staff: Staff,
  ticketId: string,
  input: TicketMessageCreate,
) {
  const result = await deps.db.transaction(async (tx) => {
    const ticket = await lockTicket(tx, ticketId);
    if (ticket.status === "closed") {
      throw new ProblemError(409, { detail: "the ticket is closed: open a new one" });
    }
    const [message] = await tx
      .insert(ticketMessages)
      .values({
        ticketId,
        authorType: "staff",
        authorId: staff.id,
        body: input.body,
        internal: input.internal,
      })
      .returning({ id: ticketMessages.id, at: ticketMessages.at });
    if (!message) throw new Error("insert returned nothing");
    const [after] = await tx
      .update(supportTickets)
      .set({
        ...(input.status && input.status !== ticket.status ? statusChange(ticket.status, input.status) : {}),
        ...(!input.internal && !ticket.firstRespondedAt ? { firstRespondedAt: sql`now()` } : {}),
        updatedAt: sql`now()`,
      })
      .where(eq(supportTickets.id, ticketId))
      .returning({ status: supportTickets.status });
    await audit(tx, staff.id, {
      action: input.internal ? "ticket.note" : "ticket.reply",
      targetType: "ticket",
      targetId: ticketId,
      ...(after?.status !== ticket.status ? { before: { status: ticket.status } } : {}),
      after: { messageId: message.id, status: after?.status },
    });
    return { id: String(message.id), messageId: message.id, status: after?.status ?? ticket.status };
  });
  if (!input.internal) await mailTicketMessage(deps, result.messageId, false);
  return { id: result.id, status: result.status };
}
