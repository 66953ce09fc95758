// No zod here: isp-ops's browser forms offer these values; helpdesk.ts makes its enums of them.

/**
 * A ticket's life: open (the ISP owes an answer), pending (waiting on the subscriber: the
 * resolution clock stops), resolved (the ISP thinks it is done; a reply reopens it), closed (final:
 * a subscriber with a new problem opens a new ticket).
 */
export const ticketStatuses = ["open", "pending", "resolved", "closed"] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

export const ticketTransitions: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  open: ["pending", "resolved", "closed"],
  pending: ["open", "resolved", "closed"],
  resolved: ["open", "closed"],
  closed: [],
};

/** The statuses in which the ISP still owes something, and SLA clocks run. */
export const activeTicketStatuses = ["open", "pending"] as const satisfies readonly TicketStatus[];

export const ticketPriorities = ["low", "normal", "high", "urgent"] as const;
export type TicketPriority = (typeof ticketPriorities)[number];

export const ticketCategories = [
  "connectivity",
  "speed",
  "billing",
  "installation",
  "equipment",
  "account",
  "other",
] as const;
export type TicketCategory = (typeof ticketCategories)[number];
