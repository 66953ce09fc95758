import { PlanTier } from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import * as routes from "@dotmac/platform-api/routes/entitlements";
import { licences, tenants } from "@dotmac/platform-db";
import { and, eq, ne } from "drizzle-orm";
import { principalOf } from "../auth/principal.ts";
import type { Deps } from "../lib/deps.ts";
import { isoOrNull } from "../lib/json.ts";
import { createRouter } from "../lib/router.ts";
import { flagsOf } from "../services/flags.ts";

export function entitlementsRouter(deps: Deps) {
  return createRouter().openapi(routes.get, async (c) => {
    const actor = principalOf(c);
    const { slug } = c.req.valid("param");
    const [tenant] = await deps.db
      .select()
      .from(tenants)
      .where(and(eq(tenants.slug, slug), ne(tenants.status, "deleted")));
    // A tenant's credential learns nothing about other tenants, not even whether they exist.
    if (actor.kind === "tenant" && actor.tenantId !== tenant?.id) {
      throw new ProblemError(403, {
        detail: "a tenant's credential acts on its own tenant only",
        permission: "platform:tenants:entitlements:read",
      });
    }
    if (!tenant) throw new ProblemError(404, { detail: `no tenant ${slug}` });
    const [licence] = await deps.db.select().from(licences).where(eq(licences.tenantId, tenant.id));
    return c.json(
      {
        tenant: slug,
        plan: PlanTier.parse(tenant.plan),
        flags: await flagsOf(deps.db, tenant),
        licence: licence ? { seats: licence.seats, validUntil: isoOrNull(licence.validUntil) } : null,
      },
      200,
    );
  });
}
