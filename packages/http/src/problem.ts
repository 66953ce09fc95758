import type { FieldError, PolicyViolation } from "@dotmac/contracts";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export interface ProblemInit {
  readonly detail?: string;
  readonly errors?: readonly FieldError[];
  /** The permission a 403 is about. */
  readonly permission?: string;
  /** The policy rules a 422 broke. */
  readonly violations?: readonly PolicyViolation[];
  /** A 429's or 503's Retry-After. */
  readonly retryAfterSeconds?: number;
}

const titles: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/** Thrown anywhere in a handler or a service; the edge's onError turns it into an RFC 9457 response. */
export class ProblemError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly init: ProblemInit = {},
  ) {
    super(init.detail ?? titles[status] ?? `HTTP ${status}`);
    this.name = "ProblemError";
  }
}

/** The RFC 9457 body: `type` names the status, `instance` the request (its id is in our logs). */
export function problemBody(status: number, init: ProblemInit = {}, requestId?: string) {
  return {
    type: `https://docs.dotmac.io/problems/${status}`,
    title: titles[status] ?? `HTTP ${status}`,
    status,
    ...(init.detail ? { detail: init.detail } : {}),
    ...(requestId ? { instance: `urn:request:${requestId}` } : {}),
    ...(init.errors ? { errors: init.errors } : {}),
    ...(init.permission ? { permission: init.permission } : {}),
    ...(init.violations ? { violations: init.violations } : {}),
  };
}

export const problemHeaders = (init: ProblemInit = {}): Record<string, string> => ({
  "content-type": "application/problem+json",
  ...(init.retryAfterSeconds ? { "retry-after": String(init.retryAfterSeconds) } : {}),
});

/** An RFC 9457 problem+json response for a Hono context. */
export function problem(c: Context, status: ContentfulStatusCode, init: ProblemInit = {}): Response {
  const requestId = c.get("requestId") as string | undefined;
  return c.body(JSON.stringify(problemBody(status, init, requestId)), status, problemHeaders(init));
}
