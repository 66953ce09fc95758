import { z } from "zod";
import { InvoiceKind, InvoiceStatus, PaymentMethod } from "./billing.ts";
import { TicketAuthorType, TicketCategory, TicketStatus } from "./helpdesk.ts";
import { CapMode, SubscriberStatus } from "./subscribers.ts";

// What the customer portal answers (times are ISO 8601 strings on the wire); the requests are in portal.ts.

const at = z.string().describe("ISO 8601 time");

/** The subscriber's own service, as the portal's first page shows it. */
export const PortalService = z.object({
  accountNumber: z.number(),
  name: z.string(),
  email: z.string().nullable(),
  status: SubscriberStatus,
  planName: z.string().nullable(),
  downloadKbps: z.number().nullable(),
  uploadKbps: z.number().nullable(),
  online: z.object({ since: at, address: z.string().nullable() }).nullable(),
  /** Since when the subscriber is in the walled garden for an unpaid invoice (paying lifts it). */
  walledGardenSince: at.nullable(),
});

const day = z.string().describe("a day, YYYY-MM-DD");

/** The subscriber's traffic in the period their data cap counts, and the cap. */
export const PortalUsage = z.object({
  periodStart: day,
  /** Exclusive. */
  periodEnd: day,
  capBytes: z.number().nullable(),
  capMode: CapMode.nullable(),
  usedBytes: z.number(),
  /** A hard cap used up: RADIUS refuses logins until the period ends. */
  capReached: z.boolean(),
  days: z.array(z.object({ day, downloadBytes: z.number(), uploadBytes: z.number() })),
});

/** The subscriber's contact details, and an address waiting for its confirmation link. */
export const PortalAccount = z.object({
  accountNumber: z.number(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  pendingEmail: z.string().nullable(),
});

export const PortalTicket = z.object({
  id: z.uuid(),
  number: z.number(),
  subject: z.string(),
  category: TicketCategory,
  status: TicketStatus,
  createdAt: at,
  updatedAt: at,
});

/** A ticket's public thread: internal notes are never part of it. */
export const PortalTicketDetail = PortalTicket.extend({
  messages: z.array(
    z.object({ id: z.string(), authorType: TicketAuthorType, authorName: z.string(), body: z.string(), at }),
  ),
});

export const PortalLinkSent = z.object({ sentTo: z.string() });

export const PortalInvoices = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      number: z.string().nullable(),
      kind: InvoiceKind,
      status: InvoiceStatus,
      currency: z.string(),
      totalMinor: z.number(),
      openMinor: z.number(),
      issuedAt: at.nullable(),
      dueOn: z.string().nullable(),
    }),
  ),
  balanceMinor: z.number().describe("what the subscriber owes; below zero, credit"),
  currency: z.string(),
  /** Their latest payments, each with a receipt. */
  payments: z.array(
    z.object({
      id: z.uuid(),
      method: PaymentMethod,
      amountMinor: z.number(),
      currency: z.string(),
      receivedAt: at,
      invoiceNumbers: z.array(z.string()),
      refundedMinor: z.number(),
      creditMinor: z.number().describe("what the payment left as credit"),
    }),
  ),
});
