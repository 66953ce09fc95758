import {
  Operation,
  OperationAccepted,
  PlanTier,
  Tenant,
  TenantPage,
  TenantSpecChange,
  TenantSpecRequest,
  TenantStatus,
} from "@dotmac/contracts";
import { json, jsonBody, problems, route } from "@dotmac/http/router";
import { z } from "@hono/zod-openapi";
import { requirePermission } from "../guard.ts";
import { IdempotencyHeader, Limit, SlugParam } from "../params.ts";

const tags = ["tenants"];

export const list = route({
  method: "get",
  path: "/tenants",
  tags,
  summary: "List tenants",
  middleware: [requirePermission("platform:tenants:read")],
  request: {
    query: z.object({
      status: TenantStatus.optional(),
      plan: PlanTier.optional(),
      q: z.string().trim().min(1).max(100).optional().openapi({ description: "slug or name contains" }),
      cursor: z.string().max(200).optional(),
      limit: Limit,
    }),
  },
  responses: { 200: json(TenantPage, "a page of tenants, newest first"), ...problems(400) },
});

export const create = route({
  method: "post",
  path: "/tenants",
  tags,
  summary: "Onboard a tenant: validate, record, and queue the stack's first `up`",
  middleware: [requirePermission("platform:tenants:write")],
  request: { headers: IdempotencyHeader, body: jsonBody(TenantSpecRequest) },
  responses: { 202: json(OperationAccepted, "queued"), ...problems(400, 409, 413) },
});

export const get = route({
  method: "get",
  path: "/tenants/{slug}",
  tags,
  summary: "A tenant, with its stack's outputs",
  middleware: [requirePermission("platform:tenants:read")],
  request: { params: SlugParam },
  responses: { 200: json(Tenant, "the tenant"), ...problems(404) },
});

export const patch = route({
  method: "patch",
  path: "/tenants/{slug}",
  tags,
  summary: "Change plan, seats, features, branding or images: queues an update",
  middleware: [requirePermission("platform:tenants:write")],
  request: { params: SlugParam, headers: IdempotencyHeader, body: jsonBody(TenantSpecChange) },
  responses: { 202: json(OperationAccepted, "queued"), ...problems(400, 404, 409) },
});

const lifecycle = <A extends "suspend" | "resume" | "refresh">(action: A) =>
  route({
    method: "post",
    path: `/tenants/{slug}/${action}`,
    tags,
    summary: {
      suspend: "Suspend: scale the tenant's workloads to zero (RADIUS refuses logins)",
      resume: "Resume a suspended tenant",
      refresh: "Drift check: compare the stack's state with the cluster, changing nothing",
    }[action],
    middleware: [requirePermission("platform:tenants:write")],
    request: { params: SlugParam, headers: IdempotencyHeader },
    responses: { 202: json(OperationAccepted, "queued"), ...problems(404, 409) },
  });

export const suspend = lifecycle("suspend");
export const resume = lifecycle("resume");
export const refresh = lifecycle("refresh");

export const preview = route({
  method: "post",
  path: "/tenants/{slug}/preview",
  tags,
  summary:
    "Preview a change (or the current spec): the plan's steps, nothing changed; one at a time per tenant",
  // A preview runs the engine: it costs what an update costs, so it needs what an update needs.
  middleware: [requirePermission("platform:tenants:write")],
  request: {
    params: SlugParam,
    query: z.object({
      wait: z.enum(["true", "false"]).optional().openapi({
        description:
          "answer when the preview is done (up to 2 minutes): 200 with the steps, or 422 naming the broken policy rules",
      }),
    }),
    body: { required: false, content: { "application/json": { schema: TenantSpecChange } } },
  },
  responses: {
    200: json(Operation, "the finished preview (with wait=true)"),
    202: json(OperationAccepted, "queued; the steps arrive in the operation's result"),
    ...problems(400, 404, 422, 429),
  },
});

export const previewNew = route({
  method: "post",
  path: "/tenants/preview",
  tags,
  summary:
    "Preview an onboarding: the resources the stamp would create, against an empty backend; nothing created",
  middleware: [requirePermission("platform:tenants:write")],
  request: {
    query: z.object({ wait: z.enum(["true", "false"]).optional() }),
    body: jsonBody(TenantSpecRequest),
  },
  responses: {
    200: json(Operation, "the finished preview (with wait=true): its steps are in result.steps"),
    202: json(OperationAccepted, "queued"),
    ...problems(400, 409, 422),
  },
});

export const remove = route({
  method: "delete",
  path: "/tenants/{slug}",
  tags,
  summary: "Destroy the tenant's stack and remove it; `confirm` must repeat the slug",
  middleware: [requirePermission("platform:tenants:delete")],
  request: {
    params: SlugParam,
    headers: IdempotencyHeader,
    query: z.object({ confirm: z.string().openapi({ description: "the tenant's slug, typed again" }) }),
  },
  responses: { 202: json(OperationAccepted, "queued"), ...problems(400, 404, 409) },
});
