import { NasCreate, NasUpdate } from "@dotmac/contracts";
import { Created, DisconnectResult, Nas, OnlineSession } from "@dotmac/contracts/isp-ops-responses";
import { json, jsonBody, problems, route } from "@dotmac/http/router";
import { z } from "@hono/zod-openapi";
import { IdParam, requirePermission } from "./context.ts";

const tags = ["RADIUS network"];
const manage = [requirePermission("network:manage")];

export const listNas = route({
  method: "get",
  path: "/nas",
  tags,
  summary: "The routers and OLTs allowed to talk RADIUS (never their secrets)",
  middleware: manage,
  responses: { 200: json(z.object({ items: z.array(Nas) }), "the NAS list"), ...problems() },
});

export const createNas = route({
  method: "post",
  path: "/nas",
  tags,
  summary: "Allow a NAS: its network, vendor, shared secret (sealed) and CoA port",
  middleware: manage,
  request: { body: jsonBody(NasCreate) },
  responses: { 201: json(Created, "allowed"), ...problems(400, 409, 415) },
});

export const updateNas = route({
  method: "patch",
  path: "/nas/{id}",
  tags,
  summary: "Change a NAS or rotate its secret (every RADIUS replica picks it up at once)",
  middleware: manage,
  request: { params: IdParam, body: jsonBody(NasUpdate) },
  responses: { 200: json(Nas, "changed"), ...problems(400, 404, 409, 415) },
});

export const online = route({
  method: "get",
  path: "/sessions/online",
  tags,
  summary: "Who is online now, newest first; q finds one username or address",
  middleware: manage,
  request: { query: z.object({ q: z.string().max(200).optional() }) },
  responses: { 200: json(z.object({ items: z.array(OnlineSession) }), "open sessions"), ...problems(400) },
});

export const disconnect = route({
  method: "post",
  path: "/sessions/{id}/disconnect",
  tags,
  summary: "End one session at its NAS (RFC 5176 Disconnect-Request through the tenant's RADIUS)",
  middleware: manage,
  request: { params: z.object({ id: z.string() }) },
  responses: { 200: json(DisconnectResult, "what the NAS answered"), ...problems(404, 409, 503) },
});
