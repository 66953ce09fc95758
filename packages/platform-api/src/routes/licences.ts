import { Licence } from "@dotmac/contracts";
import { json, jsonBody, problems, route } from "@dotmac/http/router";
import { z } from "@hono/zod-openapi";
import { requirePermission } from "../guard.ts";
import { SlugParam } from "../params.ts";

const tags = ["licences"];

const LicenceChange = z
  .object({
    seats: z.int().min(1),
    validUntil: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .strict();

export const get = route({
  method: "get",
  path: "/tenants/{slug}/licence",
  tags,
  summary: "A tenant's licence: paid seats and until when",
  middleware: [requirePermission("platform:licenses:read")],
  request: { params: SlugParam },
  responses: { 200: json(Licence, "the licence"), ...problems(404) },
});

export const put = route({
  method: "put",
  path: "/tenants/{slug}/licence",
  tags,
  summary: "Set a tenant's seats and expiry (within its plan's limit)",
  middleware: [requirePermission("platform:licenses:write")],
  request: { params: SlugParam, body: jsonBody(LicenceChange) },
  responses: { 200: json(Licence, "the licence"), ...problems(400, 404) },
});
