import { TenantSpecChange } from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import * as routes from "@dotmac/platform-api/routes/fleet";
import { tenants } from "@dotmac/platform-db";
import { and, asc, inArray, notInArray } from "drizzle-orm";
import { audit } from "../audit.ts";
import { principalOf } from "../auth/principal.ts";
import type { Deps } from "../lib/deps.ts";
import { createRouter } from "../lib/router.ts";
import { idempotency, queueOnce } from "../services/idempotency.ts";
import { insertOperation } from "../services/operations.ts";

export function fleetRouter(deps: Deps) {
  return createRouter().openapi(routes.rollout, async (c) => {
    const actor = principalOf(c);
    const body = c.req.valid("json");
    // Checked now, so a bad image tag fails the request, not twenty operations later.
    const change = TenantSpecChange.safeParse({
      ...(body.images ? { images: body.images } : {}),
      ...(body.plan ? { plan: body.plan } : {}),
    });
    if (!change.success) {
      throw new ProblemError(400, {
        errors: change.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      });
    }
    const live = notInArray(tenants.status, ["deleted", "deleting"]);
    const selected = await deps.db
      .select({ id: tenants.id, slug: tenants.slug })
      .from(tenants)
      .where(body.tenants ? and(live, inArray(tenants.slug, body.tenants)) : live)
      // A stable order: the order named, else oldest first (a canary is named first).
      .orderBy(asc(tenants.createdAt));
    if (body.tenants) {
      const named = body.tenants;
      selected.sort((a, b) => named.indexOf(a.slug) - named.indexOf(b.slug));
    }
    const missing = (body.tenants ?? []).filter((s) => !selected.some((t) => t.slug === s));
    if (missing.length > 0) {
      throw new ProblemError(404, {
        detail: `no live tenant ${missing.join(", ")}`,
        errors: missing.map((s) => ({ path: "tenants", message: `no live tenant ${s}` })),
      });
    }
    if (selected.length === 0) throw new ProblemError(400, { detail: "no live tenants to roll out to" });
    const key = idempotency(c.req.header("idempotency-key"), c.req.method, c.req.path, body);
    const queued = await queueOnce(deps, actor, key, () =>
      deps.db.transaction(async (tx) => {
        const op = await insertOperation(tx, {
          tenantId: null,
          kind: "fleet",
          actor,
          idempotency: key,
          request: {
            change: change.data,
            tenantIds: selected.map((t) => t.id),
            parallelism: body.parallelism,
            stopOnFailure: body.stopOnFailure,
            actor,
          },
        });
        await audit(tx, actor, c.get("requestId"), {
          action: "fleet.rollout",
          targetType: "operation",
          targetId: op.id,
          after: { change: change.data, tenants: selected.map((t) => t.slug), parallelism: body.parallelism },
        });
        return op;
      }),
    );
    return c.json(queued, 202);
  });
}
