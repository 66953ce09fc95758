import type { TenantAuditQuery } from "@dotmac/contracts";
import { escapeLike } from "@dotmac/postgres/like";
import { auditLogs, staffUsers, type TenantDb } from "@dotmac/tenant-db";
import { and, desc, eq, gte, like, lt, or, sql } from "drizzle-orm";

/**
 * A page of the tenant's audit log, newest first: by actor (a staff member's e-mail, or any
 * actor's id), by action or the start of one (`billing.`), by days (UTC, both included).
 */
export async function auditPage(db: TenantDb, q: TenantAuditQuery) {
  const actor = q.actor?.toLowerCase();
  const rows = await db
    .select({
      id: auditLogs.id,
      at: auditLogs.at,
      actorType: auditLogs.actorType,
      actorId: auditLogs.actorId,
      actorEmail: staffUsers.email,
      action: auditLogs.action,
      targetType: auditLogs.targetType,
      targetId: auditLogs.targetId,
      before: auditLogs.before,
      after: auditLogs.after,
    })
    .from(auditLogs)
    .leftJoin(
      staffUsers,
      and(eq(auditLogs.actorType, "staff"), eq(sql`${staffUsers.id}::text`, auditLogs.actorId)),
    )
    .where(
      and(
        actor ? or(eq(auditLogs.actorId, actor), eq(sql`lower(${staffUsers.email})`, actor)) : undefined,
        q.action ? like(auditLogs.action, `${escapeLike(q.action)}%`) : undefined,
        q.from ? gte(auditLogs.at, new Date(`${q.from}T00:00:00Z`)) : undefined,
        q.to ? lt(auditLogs.at, sql`${`${q.to}T00:00:00Z`}::timestamptz + interval '1 day'`) : undefined,
        q.before ? lt(auditLogs.id, q.before) : undefined,
      ),
    )
    .orderBy(desc(auditLogs.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((e) => ({ ...e, before: e.before ?? null, after: e.after ?? null })),
    nextCursor: rows.length > q.limit ? (page.at(-1)?.id ?? null) : null,
  };
}
