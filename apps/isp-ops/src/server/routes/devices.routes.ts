import { DeviceCreate } from "@dotmac/contracts";
import { Device, DeviceListItem } from "@dotmac/contracts/isp-ops-responses";
import { json, jsonBody, problems, route } from "@dotmac/http/router";
import { z } from "@hono/zod-openapi";
import { requirePermission } from "./context.ts";

const tags = ["devices"];

export const list = route({
  method: "get",
  path: "/devices",
  tags,
  summary: "CPEs and ONUs, newest first; q finds a serial, a MAC or a model",
  middleware: [requirePermission("customers:read")],
  request: { query: z.object({ q: z.string().max(200).optional() }) },
  responses: { 200: json(z.object({ items: z.array(DeviceListItem) }), "the devices"), ...problems(400) },
});

export const create = route({
  method: "post",
  path: "/devices",
  tags,
  summary: "Register a device, optionally with its GenieACS id and subscriber",
  middleware: [requirePermission("customers:write")],
  request: { body: jsonBody(DeviceCreate) },
  responses: { 201: json(Device, "registered"), ...problems(400, 409, 415) },
});
