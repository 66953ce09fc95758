import { TenantSpec } from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import * as routes from "@dotmac/platform-api/routes/nas-networks";
import { tenants } from "@dotmac/platform-db";
import { and, eq, ne } from "drizzle-orm";
import { principalOf, refuseOtherTenant } from "../auth/principal.ts";
import type { Deps } from "../lib/deps.ts";
import { createRouter } from "../lib/router.ts";
import { changeTenant } from "../services/operations.ts";

/** Sorted and once each, so the same networks in another order are no change. */
const normalised = (cidrs: readonly string[]) => [...new Set(cidrs)].sort();

export function nasNetworksRouter(deps: Deps) {
  return createRouter().openapi(routes.put, async (c) => {
    const actor = principalOf(c);
    const { slug } = c.req.valid("param");
    const nasCidrs = normalised(c.req.valid("json").nasCidrs);
    const result = await deps.db.transaction(async (tx) => {
      const [tenant] = await tx
        .select()
        .from(tenants)
        .where(and(eq(tenants.slug, slug), ne(tenants.status, "deleted")))
        .for("update");
      refuseOtherTenant(actor, tenant, "platform:tenants:nas:write");
      if (!tenant) throw new ProblemError(404, { detail: `no tenant ${slug}` });
      if (tenant.status === "deleting")
        throw new ProblemError(409, { detail: "the tenant is being deleted" });
      const current = normalised(TenantSpec.parse(tenant.spec).nasCidrs);
      if (current.join() === nasCidrs.join()) return { nasCidrs, operationId: null };
      const op = await changeTenant(tx, tenant, { nasCidrs }, actor, c.get("requestId"));
      return { nasCidrs, operationId: op.id };
    });
    if (!result.operationId) return c.json(result, 200);
    await deps.engine.kick(result.operationId, "update");
    return c.json(result, 202);
  });
}
