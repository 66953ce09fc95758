import { z } from "@hono/zod-openapi";

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
