import { activeTicketStatuses, type TicketQuery, type TicketQueue } from "@dotmac/contracts";
import { staffUsers, subscribers, supportTickets, type TenantDb } from "@dotmac/tenant-db";
import { and, desc, eq, inArray, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { Staff } from "../auth.ts";
import { firstResponseBreached, resolutionBreached } from "./sla.ts";

const t = supportTickets;
const isActive = inArray(t.status, [...activeTicketStatuses]);
const breached = or(firstResponseBreached, resolutionBreached);

/** What each queue holds, for the staff member looking. */
function queueFilter(queue: TicketQueue, staff: Staff): SQL | undefined {
  switch (queue) {
    case "mine":
      return and(eq(t.assigneeId, staff.id), isActive);
    case "unassigned":
      return and(isNull(t.assigneeId), isActive);
    case "breached":
      return and(isActive, breached);
    case "all":
      return undefined;
    default:
      return eq(t.status, queue);
  }
}

/** The columns of a ticket in a list (and at the head of its page). */
export const ticketColumns = {
  id: t.id,
  number: t.number,
  subject: t.subject,
  category: t.category,
  priority: t.priority,
  status: t.status,
  subscriberId: t.subscriberId,
  subscriberName: subscribers.name,
  accountNumber: subscribers.accountNumber,
  assigneeId: t.assigneeId,
  assigneeName: staffUsers.displayName,
  createdAt: t.createdAt,
  updatedAt: t.updatedAt,
  firstResponseDueAt: t.firstResponseDueAt,
  firstRespondedAt: t.firstRespondedAt,
  resolutionDueAt: t.resolutionDueAt,
  firstResponseBreached,
  resolutionBreached,
};

/** A row of ticketColumns as the API answers it: the two breaches as one object. */
export function ticketItem<R extends { firstResponseBreached: boolean; resolutionBreached: boolean }>(
  row: R,
) {
  const { firstResponseBreached: firstResponse, resolutionBreached: resolution, ...rest } = row;
  return { ...rest, breach: { firstResponse, resolution } };
}

/** Past this many, a history queue's count (resolved, closed, all) says "at least". */
export const HISTORY_COUNT_CAP = 1_000;

/** How many tickets have a status, counted up to one past the cap. */
const upToCap = (status: "resolved" | "closed") =>
  sql<number>`(select count(*)::int from (select 1 from ${t} where ${t.status} = ${status} limit ${HISTORY_COUNT_CAP + 1}) capped)`;

/**
 * Every queue's count, in one statement. The active tickets are few whatever the history, so
 * theirs are exact; resolved and closed ones grow for ever, so each is counted only up to the
 * cap (an exact count of 100,000 closed tickets would cost each request tens of milliseconds).
 */
async function queueCounts(db: TenantDb, staff: Staff) {
  const n = (filter: SQL | undefined) => sql<number>`(count(*) filter (where ${filter}))::int`;
  const [row] = await db
    .select({
      mine: n(eq(t.assigneeId, staff.id)),
      unassigned: n(isNull(t.assigneeId)),
      breached: n(breached),
      open: n(eq(t.status, "open")),
      pending: n(eq(t.status, "pending")),
      resolved: upToCap("resolved"),
      closed: upToCap("closed"),
    })
    .from(t)
    .where(isActive);
  const c = row ?? { mine: 0, unassigned: 0, breached: 0, open: 0, pending: 0, resolved: 0, closed: 0 };
  const capped = (["resolved", "closed"] as const).filter((q) => c[q] > HISTORY_COUNT_CAP);
  const resolved = Math.min(c.resolved, HISTORY_COUNT_CAP);
  const closed = Math.min(c.closed, HISTORY_COUNT_CAP);
  return {
    counts: { ...c, resolved, closed, all: c.open + c.pending + resolved + closed },
    countsCapped: (capped.length > 0 ? [...capped, "all"] : []) as TicketQueue[],
  };
}

/** A queue's page, newest ticket first, with every queue's count. */
export async function ticketPage(db: TenantDb, staff: Staff, q: TicketQuery) {
  const [rows, { counts, countsCapped }] = await Promise.all([
    db
      .select(ticketColumns)
      .from(t)
      .innerJoin(subscribers, eq(subscribers.id, t.subscriberId))
      .leftJoin(staffUsers, eq(staffUsers.id, t.assigneeId))
      .where(
        and(
          queueFilter(q.queue, staff),
          q.subscriberId ? eq(t.subscriberId, q.subscriberId) : undefined,
          q.before ? lt(t.number, q.before) : undefined,
        ),
      )
      .orderBy(desc(t.number))
      .limit(q.limit + 1),
    queueCounts(db, staff),
  ]);
  const page = rows.slice(0, q.limit);
  return {
    items: page.map(ticketItem),
    nextCursor: rows.length > q.limit ? (page.at(-1)?.number ?? null) : null,
    counts,
    countsCapped,
  };
}
