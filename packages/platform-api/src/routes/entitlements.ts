import { TenantEntitlements } from "@dotmac/contracts";
import { json, problems, route } from "@dotmac/http/router";
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
