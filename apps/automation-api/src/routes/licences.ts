import { PlanTier, tiers } from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import * as routes from "@dotmac/platform-api/routes/licences";
import { licences, tenants } from "@dotmac/platform-db";
import { eq, sql } from "drizzle-orm";
import { audit } from "../audit.ts";
import { principalOf } from "../auth/principal.ts";
import type { Deps } from "../lib/deps.ts";
import { isoOrNull } from "../lib/json.ts";
import { createRouter } from "../lib/router.ts";
import { findTenant } from "../services/tenants.ts";

const present = (l: typeof licences.$inferSelect) => ({
  tenantId: l.tenantId,
  seats: l.seats,
  validUntil: isoOrNull(l.validUntil),
});

export function licencesRouter(deps: Deps) {
  return createRouter()
    .openapi(routes.get, async (c) => {
      const t = await findTenant(deps.db, c.req.valid("param").slug);
      const [l] = await deps.db.select().from(licences).where(eq(licences.tenantId, t.id));
      if (!l) throw new ProblemError(404, { detail: `${t.slug} has no licence` });
      return c.json(present(l), 200);
    })
    .openapi(routes.put, async (c) => {
      const t = await findTenant(deps.db, c.req.valid("param").slug);
      const body = c.req.valid("json");
      const plan = PlanTier.parse(t.plan);
      if (body.seats > tiers[plan].maxSeats) {
        throw new ProblemError(400, {
          errors: [
            { path: "seats", message: `the ${plan} plan allows at most ${tiers[plan].maxSeats} seats` },
          ],
        });
      }
      const row = await deps.db.transaction(async (tx) => {
        const [before] = await tx.select().from(licences).where(eq(licences.tenantId, t.id));
        const values = {
          seats: body.seats,
          validUntil: body.validUntil ? new Date(body.validUntil) : null,
        };
        const [row] = await tx
          .insert(licences)
          .values({ tenantId: t.id, ...values })
          .onConflictDoUpdate({ target: licences.tenantId, set: values })
          .returning();
        if (!row) throw new Error("licence not stored");
        // One seat number: the spec's follows the licence. The stack reads no seats, so no update runs.
        await tx
          .update(tenants)
          .set({ spec: sql`jsonb_set(${tenants.spec}, '{seats}', to_jsonb(${body.seats}::int))` })
          .where(eq(tenants.id, t.id));
        await audit(tx, principalOf(c), c.get("requestId"), {
          action: "licence.set",
          targetType: "tenant",
          targetId: t.id,
          before: before ? present(before) : null,
          after: present(row),
        });
        return row;
      });
      return c.json(present(row), 200);
    });
}
