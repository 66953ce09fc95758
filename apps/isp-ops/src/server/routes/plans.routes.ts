import { PlanCreate } from "@dotmac/contracts";
import { Plan, PlanListItem } from "@dotmac/contracts/isp-ops-responses";
import { json, jsonBody, problems, route } from "@dotmac/http/router";
import { z } from "@hono/zod-openapi";
import { requirePermission } from "./context.ts";

const tags = ["plans"];

export const list = route({
  method: "get",
  path: "/plans",
  tags,
  summary: "Every service plan, with how many subscribers are on it",
  // Staff who sell or bill see plans, and so do those who look after subscribers.
  middleware: [requirePermission("billing:read", "customers:read")],
  responses: { 200: json(z.object({ items: z.array(PlanListItem) }), "the plans"), ...problems() },
});

export const create = route({
  method: "post",
  path: "/plans",
  tags,
  summary: "Add a service plan: speeds, cap, price, RADIUS attributes",
  middleware: [requirePermission("billing:write")],
  request: { body: jsonBody(PlanCreate) },
  responses: { 201: json(Plan, "added"), ...problems(400, 409, 415) },
});
