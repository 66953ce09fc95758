import { Operation, OperationAccepted, OperationEvent, OperationStatus } from "@dotmac/contracts";
import { json, problems, route } from "@dotmac/http/router";
import { z } from "@hono/zod-openapi";
import { requirePermission } from "../guard.ts";
import { IdParam, Limit } from "../params.ts";

const tags = ["operations"];
const read = [requirePermission("platform:tenants:read")];

export const list = route({
  method: "get",
  path: "/operations",
  tags,
  summary: "List operations, newest first",
  middleware: read,
  request: {
    query: z.object({
      tenant: z.string().max(40).optional().openapi({ description: "a tenant's slug" }),
      status: OperationStatus.optional(),
      parent: z.uuid().optional().openapi({ description: "the children of a fleet rollout" }),
      cursor: z.string().max(200).optional(),
      limit: Limit,
    }),
  },
  responses: {
    200: json(z.object({ items: z.array(Operation), nextCursor: z.string().nullable() }), "a page"),
    ...problems(400),
  },
});

export const get = route({
  method: "get",
  path: "/operations/{id}",
  tags,
  summary: "One operation: status, error, result (a preview's steps, a rollout's progress)",
  middleware: read,
  request: { params: IdParam },
  responses: { 200: json(Operation, "the operation"), ...problems(404) },
});

export const cancel = route({
  method: "post",
  path: "/operations/{id}/cancel",
  tags,
  summary: "Cancel: a queued operation never runs; a running one is interrupted (the engine stops cleanly)",
  middleware: [requirePermission("platform:tenants:write")],
  request: { params: IdParam },
  responses: { 202: json(Operation, "cancelled, or asked to stop"), ...problems(404, 409) },
});

export const retry = route({
  method: "post",
  path: "/operations/{id}/retry",
  tags,
  summary: "Run a failed or cancelled operation again (same kind, the tenant's current spec)",
  middleware: [requirePermission("platform:tenants:write")],
  request: { params: IdParam },
  responses: { 202: json(OperationAccepted, "queued"), ...problems(404, 409) },
});

export const events = route({
  method: "get",
  path: "/operations/{id}/events",
  tags,
  summary:
    "The engine's events: Server-Sent Events (resume with Last-Event-ID), or JSON with Accept: application/json",
  middleware: read,
  request: {
    params: IdParam,
    query: z.object({ after: z.coerce.number().int().min(0).optional() }),
    headers: z.object({
      "last-event-id": z.coerce.number().int().min(0).optional(),
    }),
  },
  responses: {
    200: {
      description: "events in order; `id` is the event's seq",
      content: {
        "text/event-stream": { schema: z.string() },
        "application/json": { schema: z.object({ items: z.array(OperationEvent) }) },
      },
    },
    ...problems(404),
  },
});
