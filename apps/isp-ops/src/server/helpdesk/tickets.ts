import {
  type TicketCreate,
  type TicketPriority,
  type TicketStatus,
  type TicketUpdate,
  ticketTransitions,
} from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import {
  staffRoles,
  staffUsers,
  subscribers,
  supportTickets,
  type TenantDb,
  type TenantTx,
  ticketMessages,
} from "@dotmac/tenant-db";
import { and, arrayContains, eq, isNull, type SQL, sql } from "drizzle-orm";
import { audit } from "../audit.ts";
import type { Staff } from "../auth.ts";
import type { IspOpsDeps } from "../deps.ts";
import { policyMinutes } from "./sla.ts";
import { mailTicketMessage } from "./ticket-mail.ts";

const t = supportTickets;
type TicketSet = { [K in keyof typeof t.$inferInsert]?: (typeof t.$inferInsert)[K] | SQL };

/** The ticket, locked for the rest of the transaction; a 404 when there is none. */
export async function lockTicket(tx: TenantTx, id: string) {
  const [ticket] = await tx.select().from(t).where(eq(t.id, id)).for("update");
  if (!ticket) throw new ProblemError(404, { detail: "no such ticket" });
  return ticket;
}

/**
 * What moving a ticket from one status to another sets. Into pending the resolution clock stops
 * (what is left of it is kept); out of pending it starts again from now with what was left.
 * Every expression reads the row as it was before the update.
 */
export function statusChange(from: TicketStatus, to: TicketStatus, path = "status"): TicketSet {
  if (!ticketTransitions[from].includes(to)) {
    const message = `a ${from} ticket cannot become ${to}`;
    throw new ProblemError(409, { detail: message, errors: [{ path, message }] });
  }
  return {
    status: to,
    ...(to === "pending" ? { resolutionLeft: sql`${t.resolutionDueAt} - now()`, resolutionDueAt: null } : {}),
    ...(from === "pending"
      ? { resolutionDueAt: sql`now() + ${t.resolutionLeft}`, resolutionLeft: null }
      : {}),
    ...(to === "resolved" ? { resolvedAt: sql`now()` } : {}),
    ...(to === "open" ? { resolvedAt: null } : {}),
    ...(to === "closed" ? { closedAt: sql`now()` } : {}),
  };
}

/**
 * A new priority's targets: the first answer is due that long after the ticket was opened; the
 * resolution moves by the difference between the two priorities' targets (so time spent pending
 * still counts as stopped).
 */
function priorityChange(from: TicketPriority, to: TicketPriority): TicketSet {
  const delta = sql`(${policyMinutes(to, "resolution_minutes")} - ${policyMinutes(from, "resolution_minutes")})`;
  return {
    priority: to,
    firstResponseDueAt: sql`${t.createdAt} + ${policyMinutes(to, "first_response_minutes")}`,
    resolutionDueAt: sql`${t.resolutionDueAt} + ${delta}`,
    resolutionLeft: sql`${t.resolutionLeft} + ${delta}`,
  };
}

/** Who tickets can go to: active staff with support:write (all of them, or the one with this id). */
export function ticketAssignees(db: TenantDb | TenantTx, id?: string) {
  return db
    .select({ id: staffUsers.id, displayName: staffUsers.displayName })
    .from(staffUsers)
    .innerJoin(staffRoles, eq(staffRoles.id, staffUsers.roleId))
    .where(
      and(
        id ? eq(staffUsers.id, id) : undefined,
        isNull(staffUsers.disabledAt),
        arrayContains(staffRoles.permissions, ["support:write"]),
      ),
    )
    .orderBy(staffUsers.displayName);
}

async function checkAssignee(tx: TenantTx, id: string | null | undefined) {
  if (!id || (await ticketAssignees(tx, id)).length > 0) return;
  const message = "not an active staff member with support:write";
  throw new ProblemError(400, { detail: message, errors: [{ path: "assigneeId", message }] });
}

/** Who opens a ticket: staff on a subscriber's behalf, or the subscriber in the portal. */
export type TicketOpener = { readonly staff: Staff } | { readonly subscriber: string };

/**
 * Opens a ticket with its first message: what the subscriber wrote, or what staff noted for them
 * (mailed to the subscriber).
 */
export async function createTicket(
  deps: Pick<IspOpsDeps, "db" | "mail" | "brand" | "publicUrl">,
  by: TicketOpener,
  input: TicketCreate,
) {
  const author =
    "subscriber" in by
      ? { authorType: "subscriber" as const, authorId: by.subscriber }
      : { authorType: "staff" as const, authorId: by.staff.id };
  const { ticket, messageId } = await deps.db.transaction(async (tx) => {
    const [subscriber] = await tx
      .select({ id: subscribers.id })
      .from(subscribers)
      .where(eq(subscribers.id, input.subscriberId));
    if (!subscriber) {
      throw new ProblemError(400, {
        detail: "no such subscriber",
        errors: [{ path: "subscriberId", message: "no such subscriber" }],
      });
    }
    await checkAssignee(tx, input.assigneeId);
    const [ticket] = await tx
      .insert(t)
      .values({
        subscriberId: input.subscriberId,
        subject: input.subject,
        category: input.category,
        priority: input.priority,
        assigneeId: input.assigneeId ?? null,
        openedByType: author.authorType,
        openedById: author.authorId,
        firstResponseDueAt: sql`now() + ${policyMinutes(input.priority, "first_response_minutes")}`,
        resolutionDueAt: sql`now() + ${policyMinutes(input.priority, "resolution_minutes")}`,
      })
      .returning({ id: t.id, number: t.number });
    if (!ticket) throw new Error("insert returned nothing");
    const [message] = await tx
      .insert(ticketMessages)
      .values({ ticketId: ticket.id, ...author, body: input.body })
      .returning({ id: ticketMessages.id });
    if (!message) throw new Error("insert returned nothing");
    const { body: _body, ...fields } = input;
    await audit(tx, "subscriber" in by ? by : by.staff.id, {
      action: "ticket.create",
      targetType: "ticket",
      targetId: ticket.id,
      after: fields,
    });
    return { ticket, messageId: message.id };
  });
  // The opening message: staff's is mailed as the ticket's opening, a subscriber's is not mailed.
  await mailTicketMessage(deps, messageId, true);
  return ticket;
}

/** Staff move a ticket along: its status, priority, category or assignee. */
export async function updateTicket(db: IspOpsDeps["db"], staff: Staff, id: string, input: TicketUpdate) {
  return db.transaction(async (tx) => {
    const before = await lockTicket(tx, id);
    if (input.assigneeId !== undefined && input.assigneeId !== before.assigneeId) {
      await checkAssignee(tx, input.assigneeId);
    }
    const set: TicketSet = {
      ...(input.status && input.status !== before.status ? statusChange(before.status, input.status) : {}),
      ...(input.priority && input.priority !== before.priority
        ? priorityChange(before.priority, input.priority)
        : {}),
      ...(input.category ? { category: input.category } : {}),
      ...(input.assigneeId !== undefined ? { assigneeId: input.assigneeId } : {}),
      updatedAt: sql`now()`,
    };
    const [after] = await tx.update(t).set(set).where(eq(t.id, id)).returning();
    if (!after) throw new Error("update returned nothing");
    const changed = (Object.keys(input) as (keyof TicketUpdate)[]).filter((k) => before[k] !== after[k]);
    if (changed.length > 0) {
      await audit(tx, staff.id, {
        action: "ticket.update",
        targetType: "ticket",
        targetId: id,
        before: Object.fromEntries(changed.map((k) => [k, before[k]])),
        after: Object.fromEntries(changed.map((k) => [k, after[k]])),
      });
    }
    return { id, number: after.number, status: after.status };
  });
}
