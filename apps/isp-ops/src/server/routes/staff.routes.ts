import { StaffCreate } from "@dotmac/contracts";
import { Created, StaffDisabled, StaffListItem } from "@dotmac/contracts/isp-ops-responses";
import { json, jsonBody, problems, route } from "@dotmac/http/router";
import { z } from "@hono/zod-openapi";
import { IdParam, requirePermission } from "./context.ts";

const tags = ["staff"];
const settings = [requirePermission("settings:write")];

export const list = route({
  method: "get",
  path: "/staff",
  tags,
  summary: "Every staff member with their role and permissions",
  middleware: settings,
  responses: { 200: json(z.object({ items: z.array(StaffListItem) }), "the staff"), ...problems() },
});

export const create = route({
  method: "post",
  path: "/staff",
  tags,
  summary: "Add a staff member; nobody grants a permission they do not hold",
  middleware: settings,
  request: { body: jsonBody(StaffCreate) },
  responses: { 201: json(Created, "added"), ...problems(400, 409, 415) },
});

export const disable = route({
  method: "post",
  path: "/staff/{id}/disable",
  tags,
  summary: "Disable a staff member and end their sessions at once (not oneself)",
  middleware: settings,
  request: { params: IdParam },
  responses: { 200: json(StaffDisabled, "disabled"), ...problems(404, 409) },
});
