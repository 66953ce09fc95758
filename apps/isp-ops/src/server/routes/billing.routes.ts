import {
  BillingOverview,
  BillingRun,
  BillingRunListItem,
  BillingRunRequest,
  BillingSettings,
  BillingSettingsUpdate,
  CreditNoteCreate,
  CreditNoteCreated,
  DunningPause,
  DunningRun,
  DunningState,
  InvoiceCreated,
  InvoiceDetail,
  InvoicePage,
  InvoiceQuery,
  InvoiceVoid,
  InvoiceVoided,
  MailTest,
  OneOffInvoiceCreate,
  PaymentCreate,
  PaymentRecorded,
  RefundCreate,
  RefundsMade,
  SubscriberBilling,
  TaxRate,
  TaxRateCreate,
} from "@dotmac/contracts";
import { json, jsonBody, problems, route } from "@dotmac/http/router";
import { z } from "@hono/zod-openapi";
import { IdParam, pdfResponse, requirePermission } from "./context.ts";

const tags = ["billing"];
const read = [requirePermission("billing:read")];
const write = [requirePermission("billing:write")];

export const settings = route({
  method: "get",
  path: "/billing/settings",
  tags,
  summary: "The tenant's currency, billing day, invoice prefix and payment terms",
  middleware: read,
  responses: { 200: json(BillingSettings, "the settings"), ...problems() },
});

export const updateSettings = route({
  method: "patch",
  path: "/billing/settings",
  tags,
  summary: "Change the billing settings (the currency only while nothing is invoiced)",
  middleware: write,
  request: { body: jsonBody(BillingSettingsUpdate) },
  responses: { 200: json(BillingSettings, "changed"), ...problems(400, 409, 415) },
});

export const taxRates = route({
  method: "get",
  path: "/billing/tax-rates",
  tags,
  summary: "The tax rates every line carries",
  middleware: read,
  responses: { 200: json(z.object({ items: z.array(TaxRate) }), "the rates"), ...problems() },
});

export const createTaxRate = route({
  method: "post",
  path: "/billing/tax-rates",
  tags,
  summary: "Add a tax rate, included in prices or added on top",
  middleware: write,
  request: { body: jsonBody(TaxRateCreate) },
  responses: { 201: json(TaxRate, "added"), ...problems(400, 409, 415) },
});

export const listInvoices = route({
  method: "get",
  path: "/invoices",
  tags,
  summary: "Invoices and credit notes, newest first: by status or subscriber, or found by number or name",
  middleware: read,
  request: { query: InvoiceQuery },
  responses: { 200: json(InvoicePage, "one page"), ...problems(400) },
});

export const createInvoice = route({
  method: "post",
  path: "/invoices",
  tags,
  summary: "Invoice one-off charges (installation, equipment) to a subscriber; issued at once",
  middleware: write,
  request: { body: jsonBody(OneOffInvoiceCreate) },
  responses: { 201: json(InvoiceCreated, "issued"), ...problems(400, 415) },
});

export const invoice = route({
  method: "get",
  path: "/invoices/{id}",
  tags,
  summary: "An invoice: its lines and taxes, what paid it, its credit notes, what is open",
  middleware: read,
  request: { params: IdParam },
  responses: { 200: json(InvoiceDetail, "the invoice"), ...problems(404) },
});

export const voidInvoice = route({
  method: "post",
  path: "/invoices/{id}/void",
  tags,
  summary: "Cancel an invoice nothing has paid or credited (its charge is reversed)",
  middleware: write,
  request: { params: IdParam, body: jsonBody(InvoiceVoid) },
  responses: { 200: json(InvoiceVoided, "voided"), ...problems(400, 404, 409, 415) },
});

export const creditNote = route({
  method: "post",
  path: "/invoices/{id}/credit-notes",
  tags,
  summary: "Issue a credit note against an invoice, for at most what is open on it",
  middleware: write,
  request: { params: IdParam, body: jsonBody(CreditNoteCreate) },
  responses: { 201: json(CreditNoteCreated, "issued"), ...problems(400, 404, 409, 415) },
});

export const recordPayment = route({
  method: "post",
  path: "/payments",
  tags,
  summary:
    "Record a cash, bank transfer or mobile-money payment: it pays the chosen, else the oldest, invoices",
  middleware: write,
  request: { body: jsonBody(PaymentCreate) },
  responses: { 201: json(PaymentRecorded, "recorded"), ...problems(400, 415) },
});

export const refund = route({
  method: "post",
  path: "/subscribers/{id}/refunds",
  tags,
  summary:
    "Give back part of a subscriber's credit, from their latest payments: a card payment's part through its gateway",
  middleware: write,
  request: { params: IdParam, body: jsonBody(RefundCreate) },
  responses: { 201: json(RefundsMade, "refunded"), ...problems(400, 404, 409, 415, 502) },
});

export const subscriberBilling = route({
  method: "get",
  path: "/subscribers/{id}/billing",
  tags,
  summary: "A subscriber's balance, ledger, invoices and payments",
  middleware: read,
  request: { params: IdParam },
  responses: { 200: json(SubscriberBilling, "their account"), ...problems(404) },
});

export const mailTest = route({
  method: "post",
  path: "/billing/mail-test",
  tags,
  summary: "Send a test message through the tenant's mail relay (the SMTP settings its stack gives it)",
  middleware: write,
  request: { body: jsonBody(MailTest) },
  responses: {
    201: json(z.object({ messageId: z.string() }), "the relay took it"),
    ...problems(400, 415, 502, 503),
  },
});

export const overview = route({
  method: "get",
  path: "/billing/overview",
  tags,
  summary: "MRR, invoiced and collected by month, receivables by age and the collection rate",
  middleware: read,
  responses: { 200: json(BillingOverview, "the figures, as of today") },
});

export const runBilling = route({
  method: "post",
  path: "/billing/runs",
  tags,
  summary:
    "Invoice every period that has started by a day (today by default); running it again invoices nothing twice",
  middleware: write,
  request: { body: jsonBody(BillingRunRequest) },
  responses: { 200: json(BillingRun, "finished"), ...problems(400, 415) },
});

export const billingRuns = route({
  method: "get",
  path: "/billing/runs",
  tags,
  summary: "The latest billing runs and how far each got",
  middleware: read,
  responses: { 200: json(z.object({ items: z.array(BillingRunListItem) }), "the runs"), ...problems() },
});

export const dunning = route({
  method: "get",
  path: "/subscribers/{id}/dunning",
  tags,
  summary:
    "Where dunning stands for a subscriber (days past due, walled garden, suspension, pause) and what it did",
  middleware: read,
  request: { params: IdParam },
  responses: { 200: json(DunningState, "their dunning"), ...problems(404) },
});

export const pauseDunning = route({
  method: "put",
  path: "/subscribers/{id}/dunning",
  tags,
  summary: "Hold dunning for a subscriber until a day (a promise to pay), or lift the hold with null",
  middleware: write,
  request: { params: IdParam, body: jsonBody(DunningPause) },
  responses: { 200: json(DunningState, "held or released"), ...problems(400, 404, 415) },
});

export const runDunning = route({
  method: "post",
  path: "/billing/dunning-runs",
  tags,
  summary:
    "Take every dunning step due by a day (today by default) and lift what paid accounts no longer deserve; each step once per invoice",
  middleware: write,
  request: { body: jsonBody(BillingRunRequest) },
  responses: { 200: json(DunningRun, "finished"), ...problems(400, 415) },
});

export const checkout = route({
  method: "post",
  path: "/invoices/{id}/checkout",
  tags,
  summary: "A card payment page (Stripe Checkout) for what is open on an invoice, to hand the subscriber",
  middleware: write,
  request: { params: IdParam },
  responses: {
    201: json(z.object({ sessionId: z.string(), url: z.url() }), "the page"),
    ...problems(404, 409, 502, 503),
  },
});

/** Where the tenant's Stripe webhook endpoint points (under /api/v1). */
export const STRIPE_WEBHOOK_PATH = "/payments/stripe/webhook";

export const stripeWebhook = route({
  method: "post",
  path: STRIPE_WEBHOOK_PATH,
  tags,
  summary:
    "Stripe's webhook: a checkout.session.completed event, its Stripe-Signature verified, records the card payment once per event",
  responses: {
    200: json(z.object({ received: z.literal(true), recorded: z.boolean() }), "taken"),
    ...problems(400, 503),
  },
});

export const receiptPdf = route({
  method: "get",
  path: "/payments/{id}/receipt",
  tags,
  summary: "A payment's receipt as a PDF in the tenant's branding",
  middleware: read,
  request: { params: IdParam },
  responses: {
    200: pdfResponse("the receipt"),
    ...problems(404),
  },
});

export const invoicePdf = route({
  method: "get",
  path: "/invoices/{id}/pdf",
  tags,
  summary: "An invoice or credit note as a PDF in the tenant's branding",
  middleware: read,
  request: { params: IdParam },
  responses: {
    200: pdfResponse("the PDF"),
    ...problems(404),
  },
});
