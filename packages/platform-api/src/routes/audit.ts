import { AuditPage } from "@dotmac/contracts";
import { json, problems, route } from "@dotmac/http/router";
import { z } from "@hono/zod-openapi";
import { requirePermission } from "../guard.ts";
import { Limit } from "../params.ts";

export const query = route({
  method: "get",
  path: "/audit",
  tags: ["audit"],
  summary: "The audit log, newest first: who did what to which target, before and after",
  middleware: [requirePermission("platform:audit:read")],
  request: {
    query: z.object({
      actor: z.string().max(100).optional().openapi({ description: "a user's or token's id" }),
      action: z.string().max(100).optional().openapi({ description: "e.g. tenant.create" }),
      tenant: z.string().max(40).optional().openapi({ description: "a tenant's slug" }),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
      before: z.coerce
        .number()
        .int()
        .min(1)
        .optional()
        .openapi({ description: "the cursor: entries older than this id" }),
      limit: Limit,
    }),
  },
  responses: {
    200: json(AuditPage, "entries"),
    ...problems(400),
  },
});
