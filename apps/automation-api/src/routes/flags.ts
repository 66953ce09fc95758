import { ProblemError } from "@dotmac/http/problem";
import * as routes from "@dotmac/platform-api/routes/flags";
import { featureFlags } from "@dotmac/platform-db";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { audit } from "../audit.ts";
import { principalOf } from "../auth/principal.ts";
import type { Deps } from "../lib/deps.ts";
import { iso } from "../lib/json.ts";
import { createRouter } from "../lib/router.ts";
import { flagsOf } from "../services/flags.ts";
import { findTenant } from "../services/tenants.ts";

const present = (f: typeof featureFlags.$inferSelect) => ({
  key: f.key,
  enabled: f.enabled,
  tenantId: f.tenantId,
  updatedAt: iso(f.updatedAt),
});

export function flagsRouter(deps: Deps) {
  const upsert = async (c: {
    actor: ReturnType<typeof principalOf>;
    requestId: string | undefined;
    key: string;
    tenantId: string | null;
    enabled: boolean;
  }) =>
    deps.db.transaction(async (tx) => {
      const [before] = await tx
        .select()
        .from(featureFlags)
        .where(
          and(
            eq(featureFlags.key, c.key),
            c.tenantId ? eq(featureFlags.tenantId, c.tenantId) : isNull(featureFlags.tenantId),
          ),
        );
      const [row] = await tx
        .insert(featureFlags)
        .values({ key: c.key, tenantId: c.tenantId, enabled: c.enabled })
        .onConflictDoUpdate({
          target: [featureFlags.key, featureFlags.tenantId],
          set: { enabled: c.enabled, updatedAt: sql`now()` },
        })
        .returning();
      if (!row) throw new Error("flag not stored");
      await audit(tx, c.actor, c.requestId, {
        action: c.tenantId ? "flag.override" : "flag.set",
        targetType: "feature_flag",
        targetId: c.tenantId ? `${c.key}@${c.tenantId}` : c.key,
        before: before ? { enabled: before.enabled } : null,
        after: { enabled: c.enabled },
      });
      return row;
    });

  return createRouter()
    .openapi(routes.list, async (c) => {
      const rows = await deps.db.select().from(featureFlags).orderBy(asc(featureFlags.key)).limit(5000);
      return c.json({ items: rows.map(present) }, 200);
    })
    .openapi(routes.evaluate, async (c) => {
      const { tenant } = c.req.valid("query");
      return c.json({ tenant, flags: await flagsOf(deps.db, await findTenant(deps.db, tenant)) }, 200);
    })
    .openapi(routes.setGlobal, async (c) => {
      const row = await upsert({
        actor: principalOf(c),
        requestId: c.get("requestId"),
        key: c.req.valid("param").key,
        tenantId: null,
        enabled: c.req.valid("json").enabled,
      });
      return c.json(present(row), 200);
    })
    .openapi(routes.setOverride, async (c) => {
      const { slug, key } = c.req.valid("param");
      const t = await findTenant(deps.db, slug);
      const row = await upsert({
        actor: principalOf(c),
        requestId: c.get("requestId"),
        key,
        tenantId: t.id,
        enabled: c.req.valid("json").enabled,
      });
      return c.json(present(row), 200);
    })
    .openapi(routes.clearOverride, async (c) => {
      const { slug, key } = c.req.valid("param");
      const t = await findTenant(deps.db, slug);
      await deps.db.transaction(async (tx) => {
        const [gone] = await tx
          .delete(featureFlags)
          .where(and(eq(featureFlags.key, key), eq(featureFlags.tenantId, t.id)))
          .returning();
        if (!gone) throw new ProblemError(404, { detail: `${slug} has no override of ${key}` });
        await audit(tx, principalOf(c), c.get("requestId"), {
          action: "flag.clear_override",
          targetType: "feature_flag",
          targetId: `${key}@${t.id}`,
          before: { enabled: gone.enabled },
        });
      });
      return c.body(null, 204);
    });
}
