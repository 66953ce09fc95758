// Long file: the billing tables with their indexes and constraints, read by drizzle-kit as one schema; each table beside its checks.
import {
  type DunningAction,
  DunningEventKind,
  InvoiceKind,
  InvoiceLineKind,
  InvoiceStatus,
  LedgerKind,
  PaymentMethod,
} from "@dotmac/contracts";
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, oneOf } from "./columns.ts";
import { subscribers } from "./schema.ts";

const money = () => bigint({ mode: "number" }).notNull();

/** The tenant's billing settings: one row. */
export const billingSettings = pgTable(
  "billing_settings",
  {
    id: smallint().primaryKey().default(1),
    currency: text().notNull().default("EUR"),
    /** Periods start on this day of the month for everyone; null: on each subscriber's anniversary. */
    billingDay: smallint(),
    invoicePrefix: text().notNull().default("INV"),
    paymentTermsDays: integer().notNull().default(14),
    /** Steps by days past due; the default stops short of termination, which an ISP must choose. */
    dunningPolicy: jsonb()
      .$type<{ daysOverdue: number; action: DunningAction }[]>()
      .notNull()
      .default([
        { daysOverdue: -3, action: "reminder" },
        { daysOverdue: 1, action: "notice" },
        { daysOverdue: 7, action: "walled_garden" },
        { daysOverdue: 14, action: "suspend" },
      ]),
    /** What RADIUS puts in a walled-garden login's Access-Accept, over the plan's own attributes. */
    walledGardenAttributes: jsonb()
      .$type<Record<string, string>>()
      .notNull()
      .default({ "Mikrotik-Address-List": "walled-garden" }),
    /**
     * What every invoice, credit note and billing mail ends with: the ISP's legal name and
     * address, registration and tax numbers, how to pay by transfer.
     */
    invoiceFooter: text(),
    updatedAt: createdAt(),
  },
  (t) => [
    check("billing_settings_one_row", sql`${t.id} = 1`),
    check("billing_settings_day", sql`${t.billingDay} is null or ${t.billingDay} between 1 and 28`),
    check("billing_settings_currency", sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check("billing_settings_footer", sql`char_length(${t.invoiceFooter}) <= 1000`),
  ],
);

/** Taxes every line carries while they are active: included in prices, or added on top. */
export const taxRates = pgTable(
  "tax_rates",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull().unique(),
    basisPoints: integer().notNull(),
    inclusive: boolean().notNull(),
    active: boolean().notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [check("tax_rates_range", sql`${t.basisPoints} between 1 and 10000`)],
);

/** Where each subscriber's billing stands: the day their periods start and how far they are billed. */
export const billingAccounts = pgTable("billing_accounts", {
  subscriberId: uuid()
    .primaryKey()
    .references(() => subscribers.id),
  /** Day of the month a period starts when the tenant has no fixed billing day (their activation's). */
  anchorDay: smallint().notNull(),
  /** The first day not yet invoiced; the next billing run starts the next period here. */
  billedThrough: date().notNull(),
  /**
   * Which stretch of unchanged service is being billed: a plan change, suspension or termination
   * starts the next one, so the days after the change can be billed again (once per segment).
   */
  segment: integer().notNull().default(0),
  createdAt: createdAt(),
});

/**
 * Gapless invoice numbers per prefix and year: taken by the transaction that issues the invoice
 * (its row lock orders them), so a rolled-back issue gives its number back.
 */
export const invoiceCounters = pgTable(
  "invoice_counters",
  {
    prefix: text().notNull(),
    year: integer().notNull(),
    next: integer().notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.prefix, t.year] })],
);

export const invoices = pgTable(
  "invoices",
  {
    id: uuid().primaryKey().defaultRandom(),
    subscriberId: uuid()
      .notNull()
      .references(() => subscribers.id),
    kind: text().$type<InvoiceKind>().notNull().default("invoice"),
    /** The invoice a credit note corrects. */
    creditsInvoiceId: uuid(),
    /** Given when issued: prefix-year-sequence, never reused. */
    number: text(),
    status: text().$type<InvoiceStatus>().notNull().default("draft"),
    currency: text().notNull(),
    /** The service period a cycle's invoice is for ([start, end)); none for one-off invoices. */
    periodStart: date(),
    periodEnd: date(),
    /** A cycle invoice's service segment (billing_accounts.segment when it was billed). */
    segment: integer(),
    /**
     * The plan's price for the whole cycle the period lies in, and that cycle's first day: what a
     * service change's credit for the unused days is prorated from, whatever the plan costs later.
     */
    cyclePriceMinor: bigint({ mode: "number" }),
    cycleStart: date(),
    issuedAt: timestamp({ withTimezone: true }),
    dueOn: date(),
    netMinor: money(),
    taxMinor: money(),
    totalMinor: money(),
    note: text(),
    createdBy: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("invoices_number").on(t.number),
    // One invoice per subscriber, service segment and period: a billing run that is repeated (or
    // crashed and restarted) cannot bill a period twice.
    uniqueIndex("invoices_subscriber_period")
      .on(t.subscriberId, t.segment, t.periodStart)
      .where(sql`${t.kind} = 'invoice' and ${t.periodStart} is not null and ${t.status} <> 'void'`),
    index("invoices_subscriber").on(t.subscriberId, t.createdAt),
    index("invoices_status_due").on(t.status, t.dueOn),
    index("invoices_created").on(t.createdAt, t.id),
    // What credits an invoice, read for every invoice listed (its open amount).
    index("invoices_credits").on(t.creditsInvoiceId).where(sql`${t.creditsInvoiceId} is not null`),
    check("invoices_kind", oneOf("kind", InvoiceKind.options)),
    check("invoices_status", oneOf("status", InvoiceStatus.options)),
    check("invoices_issued_numbered", sql`(${t.status} = 'draft') = (${t.number} is null)`),
    check(
      "invoices_credit_note_target",
      sql`(${t.kind} = 'credit_note') = (${t.creditsInvoiceId} is not null)`,
    ),
  ],
);

/** An invoice's lines, with the taxes each carries, in the order they print. */
export const invoiceLines = pgTable(
  "invoice_lines",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    invoiceId: uuid()
      .notNull()
      .references(() => invoices.id, { onDelete: "cascade" }),
    position: integer().notNull(),
    kind: text().$type<InvoiceLineKind>().notNull(),
    description: text().notNull(),
    quantity: integer().notNull(),
    unitMinor: money(),
    netMinor: money(),
    taxMinor: money(),
    totalMinor: money(),
    /** Each tax on this line: name, rate, whether it was included, amount. */
    taxes: jsonb()
      .$type<{ name: string; basisPoints: number; inclusive: boolean; amountMinor: number }[]>()
      .notNull()
      .default([]),
  },
  (t) => [
    uniqueIndex("invoice_lines_position").on(t.invoiceId, t.position),
    check("invoice_lines_kind", oneOf("kind", InvoiceLineKind.options)),
  ],
);

export const payments = pgTable(
  "payments",
  {
    id: uuid().primaryKey().defaultRandom(),
    subscriberId: uuid()
      .notNull()
      .references(() => subscribers.id),
    method: text().$type<PaymentMethod>().notNull(),
    reference: text(),
    amountMinor: money(),
    currency: text().notNull(),
    receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    recordedBy: text().notNull(),
    /** A gateway's event id: the same webhook delivered twice records one payment. */
    gatewayEventId: text(),
  },
  (t) => [
    uniqueIndex("payments_gateway_event").on(t.gatewayEventId),
    index("payments_subscriber").on(t.subscriberId, t.receivedAt),
    check("payments_method", oneOf("method", PaymentMethod.options)),
    check("payments_positive", sql`${t.amountMinor} > 0`),
  ],
);

/**
 * Money given back from a subscriber's credit (what their payments left unallocated), by the way
 * it came: a card payment through its gateway, the rest by hand.
 */
export const refunds = pgTable(
  "refunds",
  {
    id: uuid().primaryKey().defaultRandom(),
    subscriberId: uuid()
      .notNull()
      .references(() => subscribers.id),
    paymentId: uuid()
      .notNull()
      .references(() => payments.id),
    amountMinor: money(),
    currency: text().notNull(),
    reason: text().notNull(),
    /** The gateway's refund id, or the reference staff gave (a transfer's). */
    reference: text(),
    recordedBy: text().notNull(),
    at: createdAt(),
  },
  (t) => [
    index("refunds_payment").on(t.paymentId),
    index("refunds_subscriber").on(t.subscriberId, t.at),
    check("refunds_positive", sql`${t.amountMinor} > 0`),
  ],
);

/** Which invoices a payment paid, and how much of each. */
export const paymentAllocations = pgTable(
  "payment_allocations",
  {
    paymentId: uuid()
      .notNull()
      .references(() => payments.id),
    invoiceId: uuid()
      .notNull()
      .references(() => invoices.id),
    amountMinor: money(),
  },
  (t) => [
    primaryKey({ columns: [t.paymentId, t.invoiceId] }),
    index("payment_allocations_invoice").on(t.invoiceId),
    check("payment_allocations_positive", sql`${t.amountMinor} > 0`),
  ],
);

/**
 * Every movement on a subscriber's account, append-only: charges (issued invoices) raise what
 * they owe, payments and credits lower it. The balance is their sum; nothing stores it apart.
 */
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    subscriberId: uuid()
      .notNull()
      .references(() => subscribers.id),
    at: createdAt(),
    kind: text().$type<LedgerKind>().notNull(),
    /** Positive: the subscriber owes more; negative: less. */
    amountMinor: money(),
    currency: text().notNull(),
    invoiceId: uuid().references(() => invoices.id),
    paymentId: uuid().references(() => payments.id),
    refundId: uuid().references(() => refunds.id),
    description: text().notNull(),
    actor: text().notNull(),
  },
  (t) => [
    index("ledger_entries_subscriber").on(t.subscriberId, t.at, t.id),
    check("ledger_entries_kind", oneOf("kind", LedgerKind.options)),
    check(
      "ledger_entries_sign",
      sql`(${t.kind} in ('charge', 'refund') and ${t.amountMinor} > 0)
       or (${t.kind} in ('payment', 'credit') and ${t.amountMinor} < 0)
       or (${t.kind} = 'adjustment' and ${t.amountMinor} <> 0)`,
    ),
  ],
);

/** A billing run: when, for which day, how far it got. */
export const billingRuns = pgTable("billing_runs", {
  id: uuid().primaryKey().defaultRandom(),
  asOf: date().notNull(),
  startedAt: createdAt(),
  finishedAt: timestamp({ withTimezone: true }),
  subscribers: integer().notNull().default(0),
  invoices: integer().notNull().default(0),
  error: text(),
  startedBy: text().notNull(),
});

/**
 * Where dunning stands for a subscriber: in the walled garden since when (radius_standing reads
 * it), suspended by dunning (so paying lifts it, and only then), held by staff until a day.
 */
export const dunningStates = pgTable("dunning_states", {
  subscriberId: uuid()
    .primaryKey()
    .references(() => subscribers.id),
  walledGardenSince: timestamp({ withTimezone: true }),
  suspendedAt: timestamp({ withTimezone: true }),
  pausedUntil: date(),
  updatedAt: createdAt(),
});

/** What dunning did, once per step and invoice (the unique index makes a rerun a no-op). */
export const dunningEvents = pgTable(
  "dunning_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    subscriberId: uuid()
      .notNull()
      .references(() => subscribers.id),
    /** The oldest open invoice the step was for; none for a restore. */
    invoiceId: uuid().references(() => invoices.id),
    kind: text().$type<DunningEventKind>().notNull(),
    at: createdAt(),
    /** What happened: sessions changed and their NAS's answers, mail, or why it was skipped. */
    detail: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    uniqueIndex("dunning_events_step").on(t.invoiceId, t.kind).where(sql`${t.invoiceId} is not null`),
    index("dunning_events_subscriber").on(t.subscriberId, t.at),
    check("dunning_events_kind", oneOf("kind", DunningEventKind.options)),
  ],
);

/** Which issued invoices (and credit notes) were mailed to their subscriber, and how that went. */
export const invoiceDeliveries = pgTable("invoice_deliveries", {
  invoiceId: uuid()
    .primaryKey()
    .references(() => invoices.id),
  at: createdAt(),
  /** "sent to … (<message id>)", or why not (no address, the relay's refusal). */
  outcome: text().notNull(),
});
