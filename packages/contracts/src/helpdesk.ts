import { z } from "zod";
import { ticketCategories, ticketPriorities, ticketStatuses } from "./helpdesk-values.ts";

// The helpdesk's requests; what it answers is in helpdesk-responses.ts.

export const TicketStatus = z.enum(ticketStatuses);
export type TicketStatus = z.infer<typeof TicketStatus>;
export const TicketPriority = z.enum(ticketPriorities);
export type TicketPriority = z.infer<typeof TicketPriority>;
export const TicketCategory = z.enum(ticketCategories);
export type TicketCategory = z.infer<typeof TicketCategory>;

/** Who wrote a ticket's message: a staff member or the subscriber (through the portal or by mail). */
export const TicketAuthorType = z.enum(["staff", "subscriber"]);
export type TicketAuthorType = z.infer<typeof TicketAuthorType>;

/** The queues staff work from; each comes with its count. */
export const TicketQueue = z.enum([
  "mine",
  "unassigned",
  "breached",
  "open",
  "pending",
  "resolved",
  "closed",
  "all",
]);
export type TicketQueue = z.infer<typeof TicketQueue>;

const body = z.string().trim().min(1).max(20_000);

export const TicketQuery = z.object({
  queue: TicketQueue.default("all"),
  subscriberId: z.uuid().optional().describe("only this subscriber's tickets"),
  before: z.coerce.number().int().min(1).optional().describe("tickets numbered below this one"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type TicketQuery = z.infer<typeof TicketQuery>;

/** Staff open a ticket on a subscriber's behalf (a phone call, a visit). */
export const TicketCreate = z
  .object({
    subscriberId: z.uuid(),
    subject: z.string().trim().min(1).max(200),
    category: TicketCategory,
    priority: TicketPriority.default("normal"),
    body: body.describe("what the subscriber reported; shown to them as the ticket's first message"),
    assigneeId: z.uuid().nullish(),
  })
  .strict();
export type TicketCreate = z.infer<typeof TicketCreate>;

/** A message on a ticket: a public reply (mailed to the subscriber) or an internal note. */
export const TicketMessageCreate = z
  .object({
    body,
    internal: z
      .boolean()
      .default(false)
      .describe("an internal note: never shown or mailed to the subscriber"),
    status: TicketStatus.optional().describe("move the ticket along with the reply (for example to pending)"),
  })
  .strict();
export type TicketMessageCreate = z.infer<typeof TicketMessageCreate>;

/** What staff change on a ticket; at least one field. */
export const TicketUpdate = z
  .object({
    status: TicketStatus.optional(),
    priority: TicketPriority.optional(),
    category: TicketCategory.optional(),
    assigneeId: z.uuid().nullable().optional().describe("null unassigns"),
  })
  .strict()
  .refine((u) => Object.values(u).some((v) => v !== undefined), { message: "change at least one field" });
export type TicketUpdate = z.infer<typeof TicketUpdate>;

const minutes = z
  .number()
  .int()
  .min(1)
  .max(60 * 24 * 90);

/** How soon a ticket of a priority must get its first public reply, and be resolved (wall-clock). */
export const SlaPolicyUpdate = z
  .object({ firstResponseMinutes: minutes, resolutionMinutes: minutes })
  .strict()
  .refine((p) => p.resolutionMinutes >= p.firstResponseMinutes, {
    path: ["resolutionMinutes"],
    message: "no sooner than the first response",
  });
export type SlaPolicyUpdate = z.infer<typeof SlaPolicyUpdate>;
