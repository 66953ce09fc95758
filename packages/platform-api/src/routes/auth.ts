import { LoginRequest, Me } from "@dotmac/contracts";
import { json, jsonBody, problems, route } from "@dotmac/http/router";

const tags = ["auth"];

export const login = route({
  method: "post",
  path: "/auth/login",
  tags,
  summary: "Sign in: sets an HttpOnly session cookie",
  request: { body: jsonBody(LoginRequest) },
  responses: { 200: json(Me, "signed in"), ...problems(400, 429) },
});

export const logout = route({
  method: "post",
  path: "/auth/logout",
  tags,
  summary: "Sign out: the session ends on the server, not only in the browser",
  responses: { 204: { description: "signed out" } },
});

export const me = route({
  method: "get",
  path: "/auth/me",
  tags,
  summary: "Who the caller is and what they may do",
  responses: { 200: json(Me, "the caller"), ...problems() },
});
