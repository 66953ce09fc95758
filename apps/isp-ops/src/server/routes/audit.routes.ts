import { TenantAuditQuery } from "@dotmac/contracts";
import { TenantAuditPage } from "@dotmac/contracts/isp-ops-responses";
import { json, problems, route } from "@dotmac/http/router";
import { requirePermission } from "./context.ts";

export const list = route({
  method: "get",
  path: "/audit",
  tags: ["audit"],
  summary: "The tenant's audit log, newest first: who did what to which record, before and after",
  middleware: [requirePermission("settings:write")],
  request: { query: TenantAuditQuery },
  responses: { 200: json(TenantAuditPage, "a page of entries"), ...problems(400) },
});
