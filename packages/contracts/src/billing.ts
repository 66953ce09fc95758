import { z } from "zod";
import { dunningActions } from "./billing-values.ts";
import { VendorAttributes } from "./isp-ops-api.ts";

/** Every amount is an integer in the currency's minor unit (cents): no floating point anywhere. */
export const MinorUnits = z.number().int().min(-1_000_000_000_000).max(1_000_000_000_000);
const positiveMinor = MinorUnits.refine((n) => n > 0, { message: "more than zero" });
const Currency = z.string().regex(/^[A-Z]{3}$/, { message: "an ISO 4217 code such as EUR" });
export const day = z.iso.date();

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

/** What dunning does as an invoice ages (billing-values.ts). */
export const DunningAction = z.enum(dunningActions);
export type DunningAction = z.infer<typeof DunningAction>;

/** What dunning records: its steps, and the restore when the subscriber has paid. */
export const DunningEventKind = z.enum([...DunningAction.options, "restore"]);
export type DunningEventKind = z.infer<typeof DunningEventKind>;

/** A step of the policy: its action once the oldest open invoice is this many days past due. */
export const DunningStep = z
  .object({
    /** Negative: before the due date (a reminder). */
    daysOverdue: z.number().int().min(-60).max(365),
    action: DunningAction,
  })
  .strict();
export type DunningStep = z.infer<typeof DunningStep>;

export const DunningPolicy = z
  .array(DunningStep)
  .max(20)
  .superRefine((steps, ctx) => {
    const seen = new Set<string>();
    for (const [i, step] of steps.entries()) {
      if (seen.has(step.action))
        ctx.addIssue({
          code: "custom",
          path: [i, "action"],
          message: `${step.action} is in the policy twice`,
        });
      seen.add(step.action);
    }
    const day = (action: DunningAction) => steps.find((s) => s.action === action)?.daysOverdue;
    const [walled, suspend, terminate] = [day("walled_garden"), day("suspend"), day("terminate")];
    // A harsher step never comes before a milder one: the network follows the invoice's age.
    for (const [a, b, name] of [
      [walled, suspend, "suspend"],
      [suspend, terminate, "terminate"],
      [walled, terminate, "terminate"],
    ] as const) {
      if (a !== undefined && b !== undefined && b < a) {
        const i = steps.findIndex((s) => s.action === name);
        ctx.addIssue({
          code: "custom",
          path: [i, "daysOverdue"],
          message: `${name} comes before a milder step`,
        });
      }
    }
  });
export type DunningPolicy = z.infer<typeof DunningPolicy>;

export const BillingSettingsUpdate = z
  .object({
    currency: Currency,
    /** Every subscriber's periods start on this day of the month; null: on their own anniversary. */
    billingDay: z.number().int().min(1).max(28).nullable(),
    invoicePrefix: z.string().regex(/^[A-Z0-9-]{1,12}$/, { message: "1–12 capitals, digits or -" }),
    paymentTermsDays: z.number().int().min(0).max(120),
    dunningPolicy: DunningPolicy,
    /** What RADIUS adds to (or replaces in) a walled-garden subscriber's Access-Accept. */
    walledGardenAttributes: VendorAttributes.refine((a) => Object.keys(a).length > 0, {
      message: "at least one attribute, or the walled garden is the open internet",
    }),
    /** What every invoice and billing mail ends with (legal name, tax number, bank details); null: nothing. */
    invoiceFooter: z.string().trim().max(1000).nullable(),
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

/**
 * Money given back from a subscriber's credit (what payments left after their invoices): a card
 * payment's part through its gateway, the rest by hand (the reference says how, a transfer's).
 */
export const RefundCreate = z
  .object({
    amountMinor: positiveMinor,
    reason: z.string().trim().min(1).max(500),
    reference: z.string().trim().max(200).optional(),
  })
  .strict();
export type RefundCreate = z.infer<typeof RefundCreate>;

/** A test message through the tenant's mail relay, to check its settings. */
export const MailTest = z.object({ to: z.email().max(254) }).strict();

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
