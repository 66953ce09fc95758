import { z } from "zod";

/** Every amount is an integer in the currency's minor unit (cents): no floating point anywhere. */
export const MinorUnits = z.number().int().min(-1_000_000_000_000).max(1_000_000_000_000);
const positiveMinor = MinorUnits.refine((n) => n > 0, { message: "more than zero" });
const Currency = z.string().regex(/^[A-Z]{3}$/, { message: "an ISO 4217 code such as EUR" });
const day = z.iso.date();

export const InvoiceKind = z.enum(["invoice", "credit_note"]);
export type InvoiceKind = z.infer<typeof InvoiceKind>;

/**
 * An invoice's life: a draft can change; issuing gives it its number and makes it immutable
 * (corrections are credit notes); payments and credit notes move it to partially paid or paid;
 * past its due date with money open it is overdue; a void one is cancelled (only when nothing
 * was paid against it).
 */
export const InvoiceStatus = z.enum(["draft", "issued", "partially_paid", "paid", "overdue", "void"]);
export type InvoiceStatus = z.infer<typeof InvoiceStatus>;

export const InvoiceLineKind = z.enum(["plan", "proration", "one_off", "usage"]);
export type InvoiceLineKind = z.infer<typeof InvoiceLineKind>;

/** Entries of a subscriber's ledger: what they owe goes up with charges, down with the rest. */
export const LedgerKind = z.enum(["charge", "payment", "credit", "refund", "adjustment"]);
export type LedgerKind = z.infer<typeof LedgerKind>;

export const PaymentMethod = z.enum(["cash", "bank_transfer", "mobile_money", "card"]);
export type PaymentMethod = z.infer<typeof PaymentMethod>;

export const BillingSettingsUpdate = z
  .object({
    currency: Currency,
    /** Every subscriber's periods start on this day of the month; null: on their own anniversary. */
    billingDay: z.number().int().min(1).max(28).nullable(),
    invoicePrefix: z.string().regex(/^[A-Z0-9-]{1,12}$/, { message: "1–12 capitals, digits or -" }),
    paymentTermsDays: z.number().int().min(0).max(120),
  })
  .partial()
  .strict()
  .refine((u) => Object.keys(u).length > 0, { message: "nothing to change" });
export type BillingSettingsUpdate = z.infer<typeof BillingSettingsUpdate>;

export const TaxRateCreate = z
  .object({
    name: z.string().trim().min(1).max(60),
    /** Hundredths of a percent: 2000 is 20 %. */
    basisPoints: z.number().int().min(1).max(10_000),
    /** Whether prices already include it (as consumer prices in the EU do). */
    inclusive: z.boolean(),
  })
  .strict();
export type TaxRateCreate = z.infer<typeof TaxRateCreate>;

export const InvoiceLineInput = z
  .object({
    description: z.string().trim().min(1).max(200),
    quantity: z.number().int().min(1).max(10_000).default(1),
    unitMinor: positiveMinor,
  })
  .strict();

/** A one-off invoice (installation, equipment) for a subscriber, drafted and issued at once. */
export const OneOffInvoiceCreate = z
  .object({
    subscriberId: z.uuid(),
    lines: z.array(InvoiceLineInput).min(1).max(50),
  })
  .strict();
export type OneOffInvoiceCreate = z.infer<typeof OneOffInvoiceCreate>;

export const CreditNoteCreate = z
  .object({ amountMinor: positiveMinor, reason: z.string().trim().min(1).max(500) })
  .strict();
export type CreditNoteCreate = z.infer<typeof CreditNoteCreate>;

export const InvoiceVoid = z.object({ reason: z.string().trim().min(1).max(500) }).strict();

/**
 * A payment staff record by hand. It pays the named invoices in order, else the oldest open ones;
 * what is left stays on the account as credit.
 */
export const PaymentCreate = z
  .object({
    subscriberId: z.uuid(),
    amountMinor: positiveMinor,
    currency: Currency,
    method: PaymentMethod.exclude(["card"]),
    reference: z.string().trim().max(200).optional(),
    invoiceIds: z.array(z.uuid()).max(50).optional(),
  })
  .strict();
export type PaymentCreate = z.infer<typeof PaymentCreate>;

export const InvoiceQuery = z.object({
  status: InvoiceStatus.optional(),
  subscriberId: z.uuid().optional(),
  /** An invoice number, exactly, or part of the subscriber's name. */
  q: z.string().trim().max(200).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type InvoiceQuery = z.infer<typeof InvoiceQuery>;

export const BillingRunRequest = z.object({ asOf: day.optional() }).strict();

// What the billing API answers (times are ISO 8601 strings on the wire).

const at = z.string().describe("ISO 8601 time");

export const BillingSettings = z.object({
  currency: z.string(),
  billingDay: z.number().nullable(),
  invoicePrefix: z.string(),
  paymentTermsDays: z.number(),
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

export const SubscriberBilling = z.object({
  /** Positive: owed; negative: credit. */
  balanceMinor: z.number(),
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
