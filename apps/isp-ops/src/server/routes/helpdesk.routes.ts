import {
  SlaPolicies,
  SlaPolicy,
  SlaPolicyUpdate,
  TicketCreate,
  TicketCreated,
  TicketDetail,
  TicketMessageAdded,
  TicketMessageCreate,
  TicketPage,
  TicketPriority,
  TicketQuery,
  TicketUpdate,
  TicketUpdated,
} from "@dotmac/contracts";
import { json, jsonBody, problems, route } from "@dotmac/http/router";
import { z } from "@hono/zod-openapi";
import { IdParam, requirePermission } from "./context.ts";

const tags = ["helpdesk"];
const read = [requirePermission("support:read")];
const write = [requirePermission("support:write")];

export const list = route({
  method: "get",
  path: "/tickets",
  tags,
  summary:
    "A queue of tickets (mine, unassigned, breached, by status), newest first, with every queue's count",
  middleware: read,
  request: { query: TicketQuery },
  responses: { 200: json(TicketPage, "a page of the queue"), ...problems(400) },
});

export const create = route({
  method: "post",
  path: "/tickets",
  tags,
  summary: "Open a ticket on a subscriber's behalf; its first message is mailed to them",
  middleware: write,
  request: { body: jsonBody(TicketCreate) },
  responses: { 201: json(TicketCreated, "opened"), ...problems(400, 415) },
});

export const detail = route({
  method: "get",
  path: "/tickets/{id}",
  tags,
  summary:
    "A ticket: its thread with internal notes, SLA, and the subscriber's status, plan, sessions and open invoices",
  middleware: read,
  request: { params: IdParam },
  responses: { 200: json(TicketDetail, "the ticket"), ...problems(404) },
});

export const update = route({
  method: "patch",
  path: "/tickets/{id}",
  tags,
  summary: "Change a ticket's status, priority, category or assignee",
  middleware: write,
  request: { params: IdParam, body: jsonBody(TicketUpdate) },
  responses: { 200: json(TicketUpdated, "changed"), ...problems(400, 404, 409, 415) },
});

export const reply = route({
  method: "post",
  path: "/tickets/{id}/messages",
  tags,
  summary: "A public reply (mailed to the subscriber) or an internal note, optionally moving the ticket on",
  middleware: write,
  request: { params: IdParam, body: jsonBody(TicketMessageCreate) },
  responses: { 201: json(TicketMessageAdded, "added"), ...problems(400, 404, 409, 415) },
});

export const slaList = route({
  method: "get",
  path: "/helpdesk/sla",
  tags,
  summary: "The SLA policies: first response and resolution targets per priority",
  middleware: read,
  responses: { 200: json(SlaPolicies, "the policies"), ...problems() },
});

export const slaUpdate = route({
  method: "put",
  path: "/helpdesk/sla/{priority}",
  tags,
  summary: "Change a priority's targets, for tickets opened or re-prioritised from now on",
  middleware: [requirePermission("settings:write")],
  request: { params: z.object({ priority: TicketPriority }), body: jsonBody(SlaPolicyUpdate) },
  responses: { 200: json(SlaPolicy, "changed"), ...problems(400, 404, 415) },
});
