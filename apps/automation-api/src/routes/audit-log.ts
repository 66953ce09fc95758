import * as routes from "@dotmac/platform-api/routes/audit";
import { auditLogs, tenants } from "@dotmac/platform-db";
import { and, desc, eq, gte, lt, lte } from "drizzle-orm";
import type { Deps } from "../lib/deps.ts";
import { iso } from "../lib/json.ts";
import { createRouter } from "../lib/router.ts";

export function auditRouter(deps: Deps) {
  return createRouter().openapi(routes.query, async (c) => {
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
