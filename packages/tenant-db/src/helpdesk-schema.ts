// The helpdesk's tables (support tickets, their threads, SLA policies), read by drizzle-kit with the others.
import { TicketAuthorType, TicketCategory, TicketPriority, TicketStatus } from "@dotmac/contracts";
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  interval,
  pgSequence,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, oneOf } from "./columns.ts";
import { staffUsers, subscribers } from "./schema.ts";

/** How soon a ticket of each priority gets its first public reply and its resolution (wall-clock). */
export const slaPolicies = pgTable(
  "sla_policies",
  {
    priority: text().$type<TicketPriority>().primaryKey(),
    firstResponseMinutes: integer().notNull(),
    resolutionMinutes: integer().notNull(),
    updatedAt: createdAt(),
  },
  (t) => [
    check("sla_policies_priority", oneOf("priority", TicketPriority.options)),
    check(
      "sla_policies_minutes",
      sql`${t.firstResponseMinutes} > 0 and ${t.resolutionMinutes} >= ${t.firstResponseMinutes}`,
    ),
  ],
);

/** Ticket numbers count up per tenant, never reused: what a subscriber quotes on the phone. */
export const ticketNumbers = pgSequence("support_ticket_number", { startWith: 1001 });

/**
 * A subscriber's request for help. Its due times are set from the SLA policy when it is opened (or
 * its priority changes); while pending the resolution clock stops: what was left of it is kept in
 * `resolution_left` and the due time comes back, moved on, when the ticket leaves pending.
 * Designed for 100,000 tickets per tenant, most of them closed.
 */
export const supportTickets = pgTable(
  "support_tickets",
  {
    id: uuid().primaryKey().defaultRandom(),
    number: bigint({ mode: "number" }).notNull().default(sql`nextval('support_ticket_number')`),
    subscriberId: uuid()
      .notNull()
      .references(() => subscribers.id),
    subject: text().notNull(),
    category: text().$type<TicketCategory>().notNull(),
    priority: text().$type<TicketPriority>().notNull(),
    status: text().$type<TicketStatus>().notNull().default("open"),
    assigneeId: uuid().references(() => staffUsers.id, { onDelete: "set null" }),
    openedByType: text().$type<TicketAuthorType>().notNull(),
    openedById: text().notNull(),
    createdAt: createdAt(),
    updatedAt: createdAt(),
    firstResponseDueAt: timestamp({ withTimezone: true }).notNull(),
    firstRespondedAt: timestamp({ withTimezone: true }),
    resolutionDueAt: timestamp({ withTimezone: true }),
    resolutionLeft: interval(),
    resolvedAt: timestamp({ withTimezone: true }),
    closedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("support_tickets_number").on(t.number),
    // The queues: by status, mine, unassigned, a subscriber's; each newest first.
    index("support_tickets_status_number").on(t.status, t.number),
    index("support_tickets_assignee_number").on(t.assigneeId, t.status, t.number),
    index("support_tickets_unassigned_number")
      .on(t.number)
      .where(sql`${t.assigneeId} is null and ${t.status} in ('open', 'pending')`),
    index("support_tickets_subscriber_number").on(t.subscriberId, t.number),
    check("support_tickets_status", oneOf("status", TicketStatus.options)),
    check("support_tickets_priority", oneOf("priority", TicketPriority.options)),
    check("support_tickets_category", oneOf("category", TicketCategory.options)),
    check("support_tickets_opened_by", oneOf("opened_by_type", TicketAuthorType.options)),
    check(
      "support_tickets_clock",
      sql`(${t.status} = 'pending') = (${t.resolutionDueAt} is null) and (${t.status} = 'pending') = (${t.resolutionLeft} is not null)`,
    ),
    check("support_tickets_closed", sql`(${t.status} = 'closed') = (${t.closedAt} is not null)`),
  ],
);

/** A ticket's thread: public messages (the subscriber sees them) and staff's internal notes. */
export const ticketMessages = pgTable(
  "ticket_messages",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    ticketId: uuid()
      .notNull()
      .references(() => supportTickets.id, { onDelete: "cascade" }),
    authorType: text().$type<TicketAuthorType>().notNull(),
    authorId: text().notNull(),
    body: text().notNull(),
    internal: boolean().notNull().default(false),
    /** A public staff reply's e-mail to the subscriber: sent (with its Message-ID) or why not. */
    mailOutcome: text(),
    at: createdAt(),
  },
  (t) => [
    index("ticket_messages_ticket").on(t.ticketId, t.id),
    check("ticket_messages_author", oneOf("author_type", TicketAuthorType.options)),
    check("ticket_messages_internal_staff", sql`not ${t.internal} or ${t.authorType} = 'staff'`),
  ],
);
