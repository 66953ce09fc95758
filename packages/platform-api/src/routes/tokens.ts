import { ApiToken, ApiTokenRequest } from "@dotmac/contracts";
import { json, jsonBody, problems, route } from "@dotmac/http/router";
import { z } from "@hono/zod-openapi";
import { requirePermission } from "../guard.ts";
import { IdParam } from "../params.ts";

const tags = ["tokens"];
const guard = [requirePermission("platform:tokens:write")];

export const list = route({
  method: "get",
  path: "/tokens",
  tags,
  summary: "API tokens (never their secrets)",
  middleware: guard,
  responses: { 200: json(z.object({ items: z.array(ApiToken) }), "tokens"), ...problems() },
});

export const create = route({
  method: "post",
  path: "/tokens",
  tags,
  summary: "Create a token for CI: the secret is in this response and nowhere else, ever",
  middleware: guard,
  request: { body: jsonBody(ApiTokenRequest) },
  responses: {
    201: json(ApiToken.extend({ token: z.string() }), "the token, with its secret shown once"),
    ...problems(400),
  },
});

export const revoke = route({
  method: "delete",
  path: "/tokens/{id}",
  tags,
  summary: "Revoke a token: it stops working at once",
  middleware: guard,
  request: { params: IdParam },
  responses: { 200: json(ApiToken, "revoked"), ...problems(404) },
});
