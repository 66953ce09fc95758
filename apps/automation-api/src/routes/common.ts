import { Problem } from "@dotmac/contracts";
import { z } from "@hono/zod-openapi";

const problemContent = { "application/problem+json": { schema: Problem } };

/** The problem responses a guarded route may give, for its OpenAPI entry. */
export const problems = (...statuses: number[]) =>
  Object.fromEntries(
    [401, 403, ...statuses].map((s) => [
      s,
      { description: problemDescriptions[s] ?? "problem", content: problemContent },
    ]),
  );

const problemDescriptions: Record<number, string> = {
  400: "the input is invalid; `errors` names each field",
  401: "not signed in, or the token is unknown, revoked or expired",
  403: "signed in without the permission named in `permission`",
  404: "no such resource",
  409: "the request conflicts with the current state",
  413: "the body is larger than 1 MiB",
  422: "the policy pack refused the plan; `violations` names each rule",
};

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

export const SlugParam = z.object({
  slug: z.string().openapi({ example: "acme-fibre" }),
});
export const IdParam = z.object({ id: z.uuid() });

export const Limit = z.coerce.number().int().min(1).max(100).default(50);

export const IdempotencyHeader = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(200)
    .optional()
    .openapi({ description: "repeat a POST safely: the same key returns the original operation" }),
});
