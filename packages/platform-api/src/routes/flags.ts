import { FeatureFlag, FlagKey } from "@dotmac/contracts";
import { json, jsonBody, problems, route } from "@dotmac/http/router";
import { z } from "@hono/zod-openapi";
import { requirePermission } from "../guard.ts";

const tags = ["feature flags"];
const KeyParam = z.object({ key: FlagKey });
const TenantKeyParams = KeyParam.extend({
  slug: z.string(),
});
const FlagValue = z.object({ enabled: z.boolean() }).strict();

export const list = route({
  method: "get",
  path: "/flags",
  tags,
  summary: "Every flag: global values and per-tenant overrides",
  middleware: [requirePermission("platform:flags:read")],
  responses: { 200: json(z.object({ items: z.array(FeatureFlag) }), "flags"), ...problems() },
});

export const setGlobal = route({
  method: "put",
  path: "/flags/{key}",
  tags,
  summary: "Set a flag for every tenant without an override",
  middleware: [requirePermission("platform:flags:write")],
  request: { params: KeyParam, body: jsonBody(FlagValue) },
  responses: { 200: json(FeatureFlag, "set"), ...problems(400) },
});

export const setOverride = route({
  method: "put",
  path: "/tenants/{slug}/flags/{key}",
  tags,
  summary: "Override a flag for one tenant",
  middleware: [requirePermission("platform:flags:write")],
  request: { params: TenantKeyParams, body: jsonBody(FlagValue) },
  responses: { 200: json(FeatureFlag, "set"), ...problems(400, 404) },
});

export const clearOverride = route({
  method: "delete",
  path: "/tenants/{slug}/flags/{key}",
  tags,
  summary: "Remove a tenant's override: it follows the global value again",
  middleware: [requirePermission("platform:flags:write")],
  request: { params: TenantKeyParams },
  responses: { 204: { description: "removed" }, ...problems(404) },
});

export const evaluate = route({
  method: "get",
  path: "/flags/evaluate",
  tags,
  summary: "What a tenant's apps see: each flag's value for that tenant (override, else global)",
  middleware: [requirePermission("platform:flags:read")],
  request: { query: z.object({ tenant: z.string().min(1).max(40) }) },
  responses: {
    200: json(z.object({ tenant: z.string(), flags: z.record(z.string(), z.boolean()) }), "the values"),
    ...problems(404),
  },
});
