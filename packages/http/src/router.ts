import { fieldErrors, Problem } from "@dotmac/contracts";
import { createRoute, OpenAPIHono, type RouteConfig, type z } from "@hono/zod-openapi";
import type { Env, MiddlewareHandler } from "hono";
import { ProblemError, problem } from "./problem.ts";

/** Every router shares one validation hook: a rejected input is a 400 naming each bad field. */
export function createRouter<E extends Env>() {
  return new OpenAPIHono<E>({
    strict: false,
    defaultHook: (result, c) => {
      if (!result.success) {
        return problem(c, 400, {
          detail: `the request's ${result.target} is invalid`,
          errors: fieldErrors(result.error),
        });
      }
    },
  });
}

const mediaType = (contentType: string | undefined) => contentType?.split(";")[0]?.trim().toLowerCase() ?? "";
const isJson = (type: string) => /^application\/([a-z0-9.+-]+\+)?json$/.test(type);

/**
 * A required body must come as one of the media types the route declares: a form or text/plain
 * POST needs no CORS preflight, so another site could send one with the user's cookie; JSON or
 * text/csv cannot be sent that way. A missing body is refused the same way.
 */
function declaredTypesOnly(types: readonly string[]): MiddlewareHandler {
  return async (c, next) => {
    const type = mediaType(c.req.header("content-type"));
    if (!types.some((t) => t === type || (t === "application/json" && isJson(type)))) {
      throw new ProblemError(415, { detail: `send ${types.join(" or ")}, with that content-type` });
    }
    await next();
  };
}

/**
 * createRoute, plus what every route of ours needs and must not forget: the guards (a
 * permission, say) run first, then a required body's media type is checked.
 */
export function route<P extends string, R extends Omit<RouteConfig, "path"> & { path: P }>(config: R) {
  const body = config.request?.body;
  const types = body?.required ? Object.keys(body.content) : [];
  const guards = Array.isArray(config.middleware)
    ? config.middleware
    : config.middleware
      ? [config.middleware]
      : [];
  const middleware = [...guards, ...(types.length > 0 ? [declaredTypesOnly(types)] : [])];
  // What a permission guard asks for goes in the document, so a CI author sees which token can call it.
  const permissions = guards.flatMap((g) => (g as { permissions?: readonly string[] }).permissions ?? []);
  return createRoute<P, R>({
    ...config,
    middleware: middleware as R["middleware"],
    ...(permissions.length > 0 ? { "x-permissions": permissions } : {}),
  });
}

const problemContent = { "application/problem+json": { schema: Problem } };

const problemDescriptions: Record<number, string> = {
  400: "the input is invalid; `errors` names each field",
  401: "not signed in, or the credential is unknown, revoked or expired",
  403: "signed in without the permission named in `permission`",
  404: "no such resource",
  409: "the request conflicts with the current state",
  413: "the body is larger than the route takes",
  415: "the body is not JSON",
  422: "the policy pack refused the plan; `violations` names each rule",
  429: "too many attempts; `retry-after` says when to try again",
  503: "a service this needs is not available",
};

/**
 * The problem responses a guarded route may give (401 and 403 always), for its OpenAPI entry; typed
 * by status, so a typed client knows each one's body.
 */
export const problems = <S extends number>(...statuses: S[]) =>
  Object.fromEntries(
    [401, 403, ...statuses].map((s) => [
      s,
      { description: problemDescriptions[s] ?? "problem", content: problemContent },
    ]),
  ) as Record<401 | 403 | S, { description: string; content: typeof problemContent }>;

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});
