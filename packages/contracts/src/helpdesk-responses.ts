import { z } from "zod";
import { InvoiceStatus } from "./billing.ts";
import { TicketAuthorType, TicketCategory, TicketPriority, TicketQueue, TicketStatus } from "./helpdesk.ts";
import { SubscriberStatus } from "./subscribers.ts";

// What the helpdesk API answers (times are ISO 8601 strings on the wire); the requests are in helpdesk.ts.

const at = z.string().describe("ISO 8601 time");

/** Which of a ticket's SLA clocks ran out: an answer or a resolution later than promised, or still missing past due. */
export const SlaBreach = z.object({ firstResponse: z.boolean(), resolution: z.boolean() });

export const TicketListItem = z.object({
  id: z.uuid(),
  number: z.number(),
  subject: z.string(),
  category: TicketCategory,
  priority: TicketPriority,
  status: TicketStatus,
  subscriberId: z.uuid(),
  subscriberName: z.string(),
  accountNumber: z.number(),
  assigneeId: z.uuid().nullable(),
  assigneeName: z.string().nullable(),
  createdAt: at,
  updatedAt: at,
  firstResponseDueAt: at,
  firstRespondedAt: at.nullable(),
  resolutionDueAt: at.nullable().describe("null while pending: the clock is stopped"),
  breach: SlaBreach,
});
export type TicketListItem = z.infer<typeof TicketListItem>;

export const TicketPage = z.object({
  items: z.array(TicketListItem),
  nextCursor: z.number().nullable(),
  counts: z.record(TicketQueue, z.number()).describe("how many tickets each queue holds"),
  countsCapped: z
    .array(TicketQueue)
    .describe("queues holding more tickets than their count says (history is counted up to 1,000)"),
});
export type TicketPage = z.infer<typeof TicketPage>;

export const TicketMessage = z.object({
  id: z.string(),
  authorType: TicketAuthorType,
  authorName: z.string(),
  body: z.string(),
  internal: z.boolean(),
  at,
  mailed: z
    .string()
    .nullable()
    .describe("what became of the e-mail to the subscriber (public staff replies)"),
});

/** A ticket's page: the ticket, its thread, and what staff need to know about the subscriber. */
export const TicketDetail = TicketListItem.extend({
  resolvedAt: at.nullable(),
  closedAt: at.nullable(),
  messages: z.array(TicketMessage),
  subscriber: z.object({
    id: z.uuid(),
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    status: SubscriberStatus,
    planName: z.string().nullable(),
    downloadKbps: z.number().nullable(),
    uploadKbps: z.number().nullable(),
    online: z.boolean(),
    sessions: z.array(
      z.object({
        id: z.string(),
        nas: z.string(),
        framedIp: z.string().nullable(),
        startedAt: at,
        stoppedAt: at.nullable(),
        terminateCause: z.string().nullable(),
      }),
    ),
    openInvoices: z.array(
      z.object({
        id: z.uuid(),
        number: z.string().nullable(),
        status: InvoiceStatus,
        dueOn: z.string().nullable(),
        openMinor: z.number(),
        currency: z.string(),
      }),
    ),
  }),
});
export type TicketDetail = z.infer<typeof TicketDetail>;

export const SlaPolicy = z.object({
  priority: TicketPriority,
  firstResponseMinutes: z.number(),
  resolutionMinutes: z.number(),
});
export const SlaPolicies = z.object({ items: z.array(SlaPolicy) });

export const TicketCreated = z.object({ id: z.uuid(), number: z.number() });
export const TicketUpdated = z.object({ id: z.uuid(), number: z.number(), status: TicketStatus });
export const TicketMessageAdded = z.object({ id: z.string(), status: TicketStatus });
