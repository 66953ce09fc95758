import { AuditPage } from "@dotmac/contracts";
import { json, problems, route } from "@dotmac/http/router";
import { auditLogs, tenants } from "@dotmac/platform-db";
import { z } from "@hono/zod-openapi";
import { and, desc, eq, gte, lt, lte } from "drizzle-orm";
import { requirePermission } from "../auth/principal.ts";
import type { Deps } from "../lib/deps.ts";
import { iso } from "../lib/json.ts";
import { createRouter } from "../lib/router.ts";
import { Limit } from "./common.ts";

const query = route({
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

export function auditRouter(deps: Deps) {
  return createRouter().openapi(query, async (c) => {
    const q = c.req.valid("query");
    let tenantId: string | undefined;
    if (q.tenant) {
      const [t] = await deps.db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, q.tenant));
      tenantId = t?.id ?? "00000000-0000-0000-0000-000000000000";
    }
    const rows = await deps.db
      .select()
      .from(auditLogs)
      .where(
        and(
          q.actor ? eq(auditLogs.actorId, q.actor) : undefined,
          q.action ? eq(auditLogs.action, q.action) : undefined,
          tenantId ? eq(auditLogs.targetId, tenantId) : undefined,
          q.from ? gte(auditLogs.at, new Date(q.from)) : undefined,
          q.to ? lte(auditLogs.at, new Date(q.to)) : undefined,
          q.before ? lt(auditLogs.id, q.before) : undefined,
        ),
      )
      .orderBy(desc(auditLogs.id))
      .limit(q.limit + 1);
    const page = rows.slice(0, q.limit);
    return c.json(
      {
        items: page.map((e) => ({
          id: e.id,
          at: iso(e.at),
          actorType: e.actorType,
          actorId: e.actorId,
          action: e.action,
          targetType: e.targetType,
          targetId: e.targetId,
          before: e.before ?? null,
          after: e.after ?? null,
          requestId: e.requestId,
        })),
        nextCursor: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null,
      },
      200,
    );
  });
}
