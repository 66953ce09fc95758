import { TenantEntitlements } from "@dotmac/contracts";
import { json, problems, route } from "@dotmac/http/router";
import { z } from "@hono/zod-openapi";
import { requirePermission } from "../guard.ts";
import { SlugParam } from "../params.ts";

export const get = route({
  method: "get",
  path: "/tenants/{slug}/entitlements",
  tags: ["tenants"],
  summary:
    "What the tenant's apps run by: each flag's value for it (plan features among them), its plan and its licence. Its isp-ops polls this with the tenant's credential",
  middleware: [requirePermission("platform:tenants:entitlements:read")],
  request: { params: SlugParam },
  responses: { 200: json(TenantEntitlements, "the tenant's entitlements"), ...problems(404) },
});

export const inviteAdmin = route({
  method: "post",
  path: "/tenants/{slug}/admin-invitation",
  tags: ["tenants"],
  summary:
    "Mail the admin the spec names a new invitation to set their isp-ops password (the older link stops working); the tenant's isp-ops sends it within seconds",
  middleware: [requirePermission("platform:tenants:write")],
  request: { params: SlugParam },
  responses: {
    202: json(z.object({ invitedAt: z.iso.datetime({ offset: true }) }), "asked for"),
    ...problems(404, 409),
  },
});
