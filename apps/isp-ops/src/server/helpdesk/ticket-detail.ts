import { staffUsers, subscribers, supportTickets, type TenantDb, ticketMessages } from "@dotmac/tenant-db";
import { and, asc, eq, sql } from "drizzle-orm";
import { listInvoices } from "../billing/views.ts";
import { recentSessions, subscriberSummary } from "../subscriber-detail.ts";
import { ticketColumns, ticketItem } from "./queues.ts";

const t = supportTickets;
const m = ticketMessages;
const openInvoice = new Set(["issued", "partially_paid", "overdue"]);

/**
 * A ticket's page for staff: the ticket, its whole thread (internal notes included), and the
 * subscriber as support needs them: status, plan, whether online, the last sessions and what
 * they owe.
 */
export async function ticketDetail(db: TenantDb, id: string) {
  const [row] = await db
    .select({
      ...ticketColumns,
      resolvedAt: t.resolvedAt,
      closedAt: t.closedAt,
    })
    .from(t)
    .innerJoin(subscribers, eq(subscribers.id, t.subscriberId))
    .leftJoin(staffUsers, eq(staffUsers.id, t.assigneeId))
    .where(eq(t.id, id));
  if (!row) return undefined;
  const [messages, subscriber, sessions, invoices] = await Promise.all([
    db
      .select({
        id: sql<string>`${m.id}::text`,
        authorType: m.authorType,
        authorName: sql<string>`coalesce(${staffUsers.displayName}, ${row.subscriberName})`,
        body: m.body,
        internal: m.internal,
        at: m.at,
        mailed: m.mailOutcome,
      })
      .from(m)
      .leftJoin(staffUsers, and(eq(m.authorType, "staff"), eq(sql`${staffUsers.id}::text`, m.authorId)))
      .where(eq(m.ticketId, id))
      .orderBy(asc(m.id)),
    subscriberSummary(db, row.subscriberId),
    recentSessions(db, row.subscriberId, 5),
    listInvoices(db, { subscriberId: row.subscriberId, page: 1, pageSize: 50 }),
  ]);
  if (!subscriber) return undefined;
  return {
    ...ticketItem(row),
    messages,
    subscriber: {
      id: subscriber.id,
      name: subscriber.name,
      email: subscriber.email,
      phone: subscriber.phone,
      status: subscriber.status,
      planName: subscriber.planName,
      downloadKbps: subscriber.downloadKbps,
      uploadKbps: subscriber.uploadKbps,
      online: sessions.some((s) => s.stoppedAt === null),
      sessions: sessions.map((s) => ({
        id: s.id,
        nas: s.nas,
        framedIp: s.framedIp,
        startedAt: s.startedAt,
        stoppedAt: s.stoppedAt,
        terminateCause: s.terminateCause,
      })),
      openInvoices: invoices.items
        .filter((i) => i.kind === "invoice" && openInvoice.has(i.status) && i.openMinor > 0)
        .map((i) => ({
          id: i.id,
          number: i.number,
          status: i.status,
          dueOn: i.dueOn,
          openMinor: i.openMinor,
          currency: i.currency,
        })),
    },
  };
}
