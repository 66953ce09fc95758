import { z } from "zod";
import {
  DunningAction,
  DunningEventKind,
  day,
  InvoiceKind,
  InvoiceStatus,
  PaymentMethod,
} from "./billing.ts";

// What the billing API answers (times are ISO 8601 strings on the wire); the requests are in billing.ts.

const at = z.string().describe("ISO 8601 time");

export const BillingSettings = z.object({
  currency: z.string(),
  billingDay: z.number().nullable(),
  invoicePrefix: z.string(),
  paymentTermsDays: z.number(),
  dunningPolicy: z.array(z.object({ daysOverdue: z.number(), action: DunningAction })),
  walledGardenAttributes: z.record(z.string(), z.string()),
  invoiceFooter: z.string().nullable(),
});

/** Staff hold dunning for a subscriber until a day (a promise to pay), or lift the hold (null). */
export const DunningPause = z
  .object({ until: day.nullable(), reason: z.string().trim().min(1).max(500).optional() })
  .strict();
export type DunningPause = z.infer<typeof DunningPause>;

export const DunningState = z.object({
  /** How many days the oldest open invoice is past due (negative: not yet due); null: none open. */
  daysOverdue: z.number().nullable(),
  walledGardenSince: at.nullable(),
  /** Whether the subscriber's suspension is dunning's (and so lifts when they pay). */
  suspendedByDunning: z.boolean(),
  pausedUntil: z.string().nullable(),
  events: z.array(
    z.object({
      id: z.number(),
      at,
      kind: DunningEventKind,
      invoiceId: z.uuid().nullable(),
      detail: z.record(z.string(), z.unknown()),
    }),
  ),
});

export const DunningRun = z.object({
  asOf: z.string(),
  subscribers: z.number(),
  steps: z.number(),
  restored: z.number(),
});

export const TaxRate = z.object({
  id: z.uuid(),
  name: z.string(),
  basisPoints: z.number(),
  inclusive: z.boolean(),
  active: z.boolean(),
  createdAt: at,
});

export const InvoiceListItem = z.object({
  id: z.uuid(),
  number: z.string().nullable(),
  kind: InvoiceKind,
  status: InvoiceStatus,
  subscriberId: z.uuid(),
  subscriberName: z.string(),
  accountNumber: z.number(),
  currency: z.string(),
  totalMinor: z.number(),
  /** What is left to pay: the total less payments and credit notes. */
  openMinor: z.number(),
  issuedAt: at.nullable(),
  dueOn: z.string().nullable(),
  periodStart: z.string().nullable(),
  periodEnd: z.string().nullable(),
});

export const InvoicePage = z.object({
  items: z.array(InvoiceListItem),
  page: z.number(),
  pageSize: z.number(),
  total: z.number(),
  totalIsEstimate: z.boolean(),
});

const LineTax = z.object({
  name: z.string(),
  basisPoints: z.number(),
  inclusive: z.boolean(),
  amountMinor: z.number(),
});

export const InvoiceDetail = InvoiceListItem.extend({
  netMinor: z.number(),
  taxMinor: z.number(),
  note: z.string().nullable(),
  creditsInvoiceId: z.uuid().nullable(),
  lines: z.array(
    z.object({
      kind: z.string(),
      description: z.string(),
      quantity: z.number(),
      unitMinor: z.number(),
      netMinor: z.number(),
      taxMinor: z.number(),
      totalMinor: z.number(),
      taxes: z.array(LineTax),
    }),
  ),
  payments: z.array(
    z.object({
      paymentId: z.uuid(),
      method: z.string(),
      reference: z.string().nullable(),
      receivedAt: at,
      amountMinor: z.number(),
    }),
  ),
  creditNotes: z.array(
    z.object({
      id: z.uuid(),
      number: z.string().nullable(),
      totalMinor: z.number(),
      note: z.string().nullable(),
      issuedAt: at.nullable(),
    }),
  ),
});

export const InvoiceVoided = z.object({ id: z.uuid(), status: z.literal("void") });
export const CreditNoteCreated = z.object({ id: z.uuid(), invoiceStatus: InvoiceStatus });
export const InvoiceCreated = z.object({ id: z.uuid() });

export const PaymentRecorded = z.object({
  id: z.uuid(),
  allocations: z.array(z.object({ invoiceId: z.uuid(), amountMinor: z.number() })),
  /** What the payment left on the account as credit for later invoices. */
  creditMinor: z.number(),
});

const Refund = z.object({
  id: z.uuid(),
  paymentId: z.uuid(),
  amountMinor: z.number(),
  method: PaymentMethod,
  reference: z.string().nullable(),
});

export const RefundsMade = z.object({
  /** One per payment the money came from, the latest payment first. */
  refunds: z.array(Refund),
  /** The credit left on the account. */
  creditMinor: z.number(),
});

export const SubscriberBilling = z.object({
  /** Positive: owed; negative: credit. */
  balanceMinor: z.number(),
  /** What payments left unspent on invoices: what can be refunded. */
  creditMinor: z.number(),
  refunds: z.array(Refund.extend({ reason: z.string(), at })),
  ledger: z.array(
    z.object({
      id: z.number(),
      at,
      kind: z.string(),
      amountMinor: z.number(),
      description: z.string(),
      invoiceId: z.uuid().nullable(),
      paymentId: z.uuid().nullable(),
    }),
  ),
  invoices: z.array(InvoiceListItem),
  payments: z.array(
    z.object({
      id: z.uuid(),
      method: z.string(),
      reference: z.string().nullable(),
      amountMinor: z.number(),
      currency: z.string(),
      receivedAt: at,
    }),
  ),
});

/** The billing dashboard's figures, in minor units of the tenant's currency. */
export const BillingOverview = z.object({
  asOf: z.string(),
  /** What active subscribers' plans bring in a month (a quarterly plan counts a third). */
  mrrMinor: z.number(),
  activeSubscribers: z.number(),
  thisMonth: z.object({ invoicedMinor: z.number(), collectedMinor: z.number() }),
  /** The last six calendar months: invoices less credit notes, payments less refunds. */
  months: z.array(z.object({ month: z.string(), invoicedMinor: z.number(), collectedMinor: z.number() })),
  /** What is open on issued invoices, by days past due. */
  receivables: z.array(
    z.object({
      bucket: z.enum(["current", "1-30", "31-60", "61-90", "90+"]),
      openMinor: z.number(),
      invoices: z.number(),
    }),
  ),
  /** Of what the last six months invoiced, the share paid so far; null before any invoice. */
  collectionRate: z.number().nullable(),
});

export const BillingRun = z.object({
  id: z.uuid(),
  asOf: z.string(),
  subscribers: z.number(),
  invoices: z.number(),
});

export const BillingRunListItem = BillingRun.extend({
  startedAt: at,
  finishedAt: at.nullable(),
  error: z.string().nullable(),
  startedBy: z.string(),
});
