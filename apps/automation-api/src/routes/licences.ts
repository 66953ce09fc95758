import { Licence, PlanTier, tiers } from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import { json, jsonBody, problems, route } from "@dotmac/http/router";
import { licences, tenants } from "@dotmac/platform-db";
import { z } from "@hono/zod-openapi";
import { and, eq, ne } from "drizzle-orm";
import { audit } from "../audit.ts";
import { principalOf, requirePermission } from "../auth/principal.ts";
import type { Deps } from "../lib/deps.ts";
import { isoOrNull } from "../lib/json.ts";
import { createRouter } from "../lib/router.ts";
import { SlugParam } from "./common.ts";

const tags = ["licences"];

const LicenceChange = z
  .object({
    seats: z.int().min(1),
    validUntil: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .strict();

const get = route({
  method: "get",
  path: "/tenants/{slug}/licence",
  tags,
  summary: "A tenant's licence: paid seats and until when",
  middleware: [requirePermission("platform:licenses:read")],
  request: { params: SlugParam },
  responses: { 200: json(Licence, "the licence"), ...problems(404) },
});

const put = route({
  method: "put",
  path: "/tenants/{slug}/licence",
  tags,
  summary: "Set a tenant's seats and expiry (within its plan's limit)",
  middleware: [requirePermission("platform:licenses:write")],
  request: { params: SlugParam, body: jsonBody(LicenceChange) },
  responses: { 200: json(Licence, "the licence"), ...problems(400, 404) },
});

const present = (l: typeof licences.$inferSelect) => ({
  tenantId: l.tenantId,
  seats: l.seats,
  validUntil: isoOrNull(l.validUntil),
});

export function licencesRouter(deps: Deps) {
  const tenantBySlug = async (slug: string) => {
    const [t] = await deps.db
      .select()
      .from(tenants)
      .where(and(eq(tenants.slug, slug), ne(tenants.status, "deleted")));
    if (!t) throw new ProblemError(404, { detail: `no tenant ${slug}` });
    return t;
  };
  return createRouter()
    .openapi(get, async (c) => {
      const t = await tenantBySlug(c.req.valid("param").slug);
      const [l] = await deps.db.select().from(licences).where(eq(licences.tenantId, t.id));
      if (!l) throw new ProblemError(404, { detail: `${t.slug} has no licence` });
      return c.json(present(l), 200);
    })
    .openapi(put, async (c) => {
      const t = await tenantBySlug(c.req.valid("param").slug);
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
