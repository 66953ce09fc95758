import { FleetRolloutRequest, OperationAccepted } from "@dotmac/contracts";
import { json, jsonBody, problems, route } from "@dotmac/http/router";
import { requirePermission } from "../guard.ts";
import { IdempotencyHeader } from "../params.ts";

export const rollout = route({
  method: "post",
  path: "/fleet/rollouts",
  tags: ["fleet"],
  summary: "Roll a change (an image tag, a plan) out to all or some tenants, as one parent operation",
  middleware: [requirePermission("platform:fleet:write")],
  request: { headers: IdempotencyHeader, body: jsonBody(FleetRolloutRequest) },
  responses: { 202: json(OperationAccepted, "queued; follow the parent operation"), ...problems(400, 404) },
});
