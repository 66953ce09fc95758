import {
  CustomerLinkRequest,
  CustomerLogin,
  CustomerSetPassword,
  PortalInvoices,
  PortalLinkSent,
  PortalMessageCreate,
  PortalService,
  PortalTicket,
  PortalTicketCreate,
  PortalTicketDetail,
  PortalUsage,
  TicketCreated,
  TicketMessageAdded,
} from "@dotmac/contracts";
import { json, jsonBody, problems, route } from "@dotmac/http/router";
import { z } from "@hono/zod-openapi";
import { customerSignedIn, IdParam, pdfResponse, requirePermission } from "./context.ts";

const tags = ["customer portal"];
const own = [customerSignedIn];

export const invite = route({
  method: "post",
  path: "/subscribers/{id}/portal-invite",
  tags: ["subscribers"],
  summary: "Mail the subscriber a single-use link (72 h) to set their portal password",
  middleware: [requirePermission("customers:write")],
  request: { params: IdParam },
  responses: { 200: json(PortalLinkSent, "mailed"), ...problems(404, 409) },
});

export const login = route({
  method: "post",
  path: "/portal/auth/login",
  tags,
  summary: "A subscriber signs in with account number or e-mail: sets the portal's own session cookie",
  security: [],
  request: { body: jsonBody(CustomerLogin) },
  responses: {
    200: json(z.object({ accountNumber: z.number(), name: z.string() }), "signed in"),
    ...problems(400, 415, 429),
  },
});

export const logout = route({
  method: "post",
  path: "/portal/auth/logout",
  tags,
  summary: "End this portal session and clear its cookie",
  middleware: own,
  responses: { 204: { description: "signed out" }, ...problems() },
});

export const requestLink = route({
  method: "post",
  path: "/portal/auth/password-link",
  tags,
  summary:
    "Forgot the password: a set-password link (1 h) goes to the e-mail on file; the answer is the same either way",
  security: [],
  request: { body: jsonBody(CustomerLinkRequest) },
  responses: {
    202: { description: "a link was mailed if the account exists and has an e-mail" },
    ...problems(400, 415, 429),
  },
});

export const setPassword = route({
  method: "post",
  path: "/portal/auth/password",
  tags,
  summary: "Set the password with an e-mailed link's token (once); every portal session ends",
  security: [],
  request: { body: jsonBody(CustomerSetPassword) },
  responses: { 204: { description: "set: sign in with it" }, ...problems(400, 415) },
});

export const service = route({
  method: "get",
  path: "/portal/service",
  tags,
  summary: "The subscriber's service: status, plan and speeds, online now",
  middleware: own,
  responses: { 200: json(PortalService, "the service"), ...problems() },
});

export const usage = route({
  method: "get",
  path: "/portal/usage",
  tags,
  summary: "The subscriber's traffic day by day in their data cap's period, and the cap",
  middleware: own,
  responses: { 200: json(PortalUsage, "their usage"), ...problems() },
});

export const tickets = route({
  method: "get",
  path: "/portal/tickets",
  tags,
  summary: "The subscriber's own tickets, newest first",
  middleware: own,
  responses: { 200: json(z.object({ items: z.array(PortalTicket) }), "their tickets"), ...problems() },
});

export const openTicket = route({
  method: "post",
  path: "/portal/tickets",
  tags,
  summary: "Ask for help: a ticket with the subscriber's first message",
  middleware: own,
  request: { body: jsonBody(PortalTicketCreate) },
  responses: { 201: json(TicketCreated, "opened"), ...problems(400, 415) },
});

export const ticket = route({
  method: "get",
  path: "/portal/tickets/{id}",
  tags,
  summary: "One of the subscriber's tickets with its public thread",
  middleware: own,
  request: { params: IdParam },
  responses: { 200: json(PortalTicketDetail, "the ticket"), ...problems(404) },
});

export const reply = route({
  method: "post",
  path: "/portal/tickets/{id}/messages",
  tags,
  summary: "The subscriber replies; a pending or resolved ticket is open again",
  middleware: own,
  request: { params: IdParam, body: jsonBody(PortalMessageCreate) },
  responses: { 201: json(TicketMessageAdded, "added"), ...problems(400, 404, 409, 415) },
});

export const invoices = route({
  method: "get",
  path: "/portal/invoices",
  tags,
  summary: "The subscriber's invoices and credit notes, newest first, and their balance",
  middleware: own,
  responses: { 200: json(PortalInvoices, "their invoices"), ...problems() },
});

export const invoicePdf = route({
  method: "get",
  path: "/portal/invoices/{id}/pdf",
  tags,
  summary: "One of the subscriber's invoices as a PDF",
  middleware: own,
  request: { params: IdParam },
  responses: {
    200: pdfResponse("the PDF"),
    ...problems(404),
  },
});

export const receiptPdf = route({
  method: "get",
  path: "/portal/payments/{id}/receipt",
  tags,
  summary: "The receipt for one of the subscriber's payments, as a PDF",
  middleware: own,
  request: { params: IdParam },
  responses: {
    200: pdfResponse("the receipt"),
    ...problems(404),
  },
});

export const checkout = route({
  method: "post",
  path: "/portal/invoices/{id}/checkout",
  tags,
  summary: "Pay what is open on one of the subscriber's invoices by card: a Stripe Checkout page to go to",
  middleware: own,
  request: { params: IdParam },
  responses: {
    201: json(z.object({ url: z.string(), sessionId: z.string() }), "the payment page"),
    ...problems(404, 409, 503),
  },
});
