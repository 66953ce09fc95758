import {
  CredentialReset,
  StatusChange,
  SubscriberCreate,
  SubscriberQuery,
  SubscriberUpdate,
} from "@dotmac/contracts";
import {
  DashboardStats,
  ImportResult,
  StatusChanged,
  SubscriberCreated,
  SubscriberDetail,
  SubscriberPage,
} from "@dotmac/contracts/isp-ops-responses";
import { json, jsonBody, problems, route } from "@dotmac/http/router";
import { z } from "@hono/zod-openapi";
import { IdParam, requirePermission } from "./context.ts";

const tags = ["subscribers"];
const read = [requirePermission("customers:read")];
const write = [requirePermission("customers:write")];

export const dashboard = route({
  method: "get",
  path: "/dashboard",
  tags,
  summary: "The dashboard's numbers: subscribers by status, online now, traffic today, sign-ups",
  middleware: read,
  responses: { 200: json(DashboardStats, "the numbers"), ...problems() },
});

export const list = route({
  method: "get",
  path: "/subscribers",
  tags,
  summary:
    "Subscribers, newest first: filtered by status and plan, searched by name, account, login, phone, e-mail, address or MAC",
  middleware: read,
  request: { query: SubscriberQuery },
  responses: { 200: json(SubscriberPage, "one page"), ...problems(400) },
});

export const exportCsv = route({
  method: "get",
  path: "/subscribers/export.csv",
  tags,
  summary: "Every subscriber as CSV (audited)",
  middleware: read,
  responses: {
    200: { description: "the file", content: { "text/csv": { schema: z.string() } } },
    ...problems(),
  },
});

/** An import's file: larger than any JSON body, so its route has a limit of its own. */
export const IMPORT_MAX_BYTES = 20 * 1024 * 1024;

export const importCsv = route({
  method: "post",
  path: "/subscribers/import",
  tags,
  summary: "Add subscribers from a CSV file (the export's columns), all or none",
  middleware: write,
  request: { body: { required: true, content: { "text/csv": { schema: z.string() } } } },
  responses: { 200: json(ImportResult, "imported"), ...problems(400, 409, 413) },
});

export const create = route({
  method: "post",
  path: "/subscribers",
  tags,
  summary: "Add a subscriber with their RADIUS login",
  middleware: write,
  request: { body: jsonBody(SubscriberCreate) },
  responses: { 201: json(SubscriberCreated, "added"), ...problems(400, 409, 415) },
});

export const detail = route({
  method: "get",
  path: "/subscribers/{id}",
  tags,
  summary: "A subscriber: plan, login, recent sessions, usage, devices, status history",
  middleware: read,
  request: { params: IdParam },
  responses: { 200: json(SubscriberDetail, "the subscriber"), ...problems(404) },
});

export const update = route({
  method: "patch",
  path: "/subscribers/{id}",
  tags,
  summary: "Change a subscriber's details or plan",
  middleware: write,
  request: { params: IdParam, body: jsonBody(SubscriberUpdate) },
  responses: { 200: json(SubscriberDetail, "changed"), ...problems(400, 404, 409, 415) },
});

export const setStatus = route({
  method: "post",
  path: "/subscribers/{id}/status",
  tags,
  summary: "Move a subscriber through their lifecycle; a suspension ends their sessions at the NAS",
  middleware: write,
  request: { params: IdParam, body: jsonBody(StatusChange) },
  responses: { 200: json(StatusChanged, "moved"), ...problems(400, 404, 409, 415) },
});

export const resetCredentials = route({
  method: "post",
  path: "/subscribers/{id}/credentials",
  tags,
  summary: "Set a new RADIUS password (sealed; never shown again)",
  middleware: write,
  request: { params: IdParam, body: jsonBody(CredentialReset) },
  responses: { 204: { description: "set" }, ...problems(400, 404, 415) },
});
