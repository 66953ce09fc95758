import { PlanTier, TenantSpec } from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import * as routes from "@dotmac/platform-api/routes/entitlements";
import { licences, tenants } from "@dotmac/platform-db";
import { and, eq, ne, sql } from "drizzle-orm";
import { audit } from "../audit.ts";
import { principalOf, refuseOtherTenant } from "../auth/principal.ts";
import type { Deps } from "../lib/deps.ts";
import { isoOrNull } from "../lib/json.ts";
import { createRouter } from "../lib/router.ts";
import { flagsOf } from "../services/flags.ts";
import { findTenant } from "../services/tenants.ts";

export function entitlementsRouter(deps: Deps) {
  return createRouter()
    .openapi(routes.get, async (c) => {
      const actor = principalOf(c);
      const { slug } = c.req.valid("param");
      const [tenant] = await deps.db
        .select()
        .from(tenants)
        .where(and(eq(tenants.slug, slug), ne(tenants.status, "deleted")));
      refuseOtherTenant(actor, tenant, "platform:tenants:entitlements:read");
      if (!tenant) throw new ProblemError(404, { detail: `no tenant ${slug}` });
      const [licence] = await deps.db.select().from(licences).where(eq(licences.tenantId, tenant.id));
      const { admin } = TenantSpec.parse(tenant.spec);
      return c.json(
        {
          tenant: slug,
          plan: PlanTier.parse(tenant.plan),
          flags: await flagsOf(deps.db, tenant),
          licence: licence ? { seats: licence.seats, validUntil: isoOrNull(licence.validUntil) } : null,
          admin:
            admin && tenant.adminInvitedAt
              ? { ...admin, invitedAt: tenant.adminInvitedAt.toISOString() }
              : null,
        },
        200,
      );
    })
    .openapi(routes.inviteAdmin, async (c) => {
      const { slug } = c.req.valid("param");
      const invitedAt = await deps.db.transaction(async (tx) => {
        const tenant = await findTenant(tx, slug, true);
        const { admin } = TenantSpec.parse(tenant.spec);
        if (!admin) throw new ProblemError(409, { detail: `${slug} names no admin to invite` });
        const [row] = await tx
          .update(tenants)
          .set({ adminInvitedAt: sql`now()` })
          .where(eq(tenants.id, tenant.id))
          .returning({ at: tenants.adminInvitedAt });
        await audit(tx, principalOf(c), c.get("requestId"), {
          action: "tenant.admin.invite",
          targetType: "tenant",
          targetId: tenant.id,
          after: { email: admin.email },
        });
        return row?.at ?? new Date();
      });
      return c.json({ invitedAt: invitedAt.toISOString() }, 202);
    });
}
