import { StaffLogin, StaffPasswordSet } from "@dotmac/contracts";
import { StaffMember } from "@dotmac/contracts/isp-ops-responses";
import { json, jsonBody, problems, route } from "@dotmac/http/router";
import { z } from "@hono/zod-openapi";
import { signedIn } from "./context.ts";

const tags = ["staff sessions"];

export const login = route({
  method: "post",
  path: "/auth/login",
  tags,
  summary: "Sign in with e-mail and password: sets the HttpOnly session cookie",
  security: [],
  request: { body: jsonBody(StaffLogin) },
  responses: { 200: json(z.object({ staff: StaffMember }), "signed in"), ...problems(400, 415, 429) },
});

export const logout = route({
  method: "post",
  path: "/auth/logout",
  tags,
  summary: "End this session on the server and clear its cookie",
  middleware: [signedIn],
  responses: { 204: { description: "signed out" }, ...problems() },
});

export const me = route({
  method: "get",
  path: "/auth/me",
  tags,
  summary: "Who is signed in, with their role and permissions",
  middleware: [signedIn],
  responses: { 200: json(StaffMember, "the staff member"), ...problems() },
});

export const setPassword = route({
  method: "post",
  path: "/auth/password",
  tags,
  summary: "Set an invited staff member's password with the e-mailed link's token (once); then sign in",
  security: [],
  request: { body: jsonBody(StaffPasswordSet) },
  responses: { 204: { description: "set: sign in with it" }, ...problems(400, 415) },
});
