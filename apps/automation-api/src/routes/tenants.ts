import {
  applySpecChange,
  parseOrThrow,
  type TenantPage,
  TenantSpec,
  type TenantSpecChange,
} from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import * as routes from "@dotmac/platform-api/routes/tenants";
import { licences, operations, tenants } from "@dotmac/platform-db";
import { escapeLike } from "@dotmac/postgres/like";
import type { RouteHandler, z } from "@hono/zod-openapi";
import { and, eq, inArray, ne, sql } from "drizzle-orm";
import type { Context, TypedResponse } from "hono";
import { audit } from "../audit.ts";
import { type Actor, type AppEnv, principalOf } from "../auth/principal.ts";
import { decodeCursor, encodeCursor } from "../lib/cursor.ts";
import type { Deps } from "../lib/deps.ts";
import { createRouter } from "../lib/router.ts";
import { claimHosts } from "../services/hosts.ts";
import { accept, type Idempotency, idempotency, isUnique, queueOnce } from "../services/idempotency.ts";
import { changeTenant, insertOperation } from "../services/operations.ts";
import { findTenant, finishedPreview, lastOperations } from "../services/tenants.ts";
import { presentOperation, presentTenant } from "./presenters.ts";

export function tenantsRouter(deps: Deps) {
  /** The request's Idempotency-Key, bound to its method, path and body. */
  const idem = (c: Context<AppEnv>, body?: unknown) =>
    idempotency(c.req.header("idempotency-key"), c.req.method, c.req.path, body);

  /** Queues a lifecycle operation on a live tenant, refusing ones its state does not allow. */
  const lifecycleOp = (
    actor: Actor,
    requestId: string | undefined,
    kind: "suspend" | "resume" | "refresh",
    slug: string,
    key: Idempotency,
  ) =>
    queueOnce(deps, actor, key, () =>
      deps.db.transaction(async (tx) => {
        const tenant = await findTenant(tx, slug, true);
        const allowed = {
          suspend: ["active"],
          resume: ["suspended"],
          refresh: ["active", "suspended", "failed"],
        }[kind];
        if (!allowed.includes(tenant.status)) {
          throw new ProblemError(409, { detail: `cannot ${kind} a tenant that is ${tenant.status}` });
        }
        const op = await insertOperation(tx, { tenantId: tenant.id, kind, actor, idempotency: key });
        if (kind !== "refresh") {
          await audit(tx, actor, requestId, {
            action: `tenant.${kind}`,
            targetType: "tenant",
            targetId: tenant.id,
            before: { status: tenant.status },
            after: { operationId: op.id },
          });
        }
        return op;
      }),
    );

  const lifecycleHandler =
    (
      kind: "suspend" | "resume" | "refresh",
    ): RouteHandler<typeof routes.suspend | typeof routes.resume | typeof routes.refresh, AppEnv> =>
    async (c) =>
      c.json(
        await lifecycleOp(principalOf(c), c.get("requestId"), kind, c.req.valid("param").slug, idem(c)),
        202,
      );

  return createRouter()
    .openapi(routes.list, async (c) => {
      const { status, plan, q, cursor, limit } = c.req.valid("query");
      const after = cursor ? decodeCursor(cursor) : undefined;
      if (cursor && !after)
        throw new ProblemError(400, { errors: [{ path: "cursor", message: "not a cursor this API gave" }] });
      // The hottest read of the API (admin tables, CI polling): one round trip in which Postgres
      // builds the page's JSON, each row with its latest operation; the driver prepares the
      // statement once per connection and Node only passes the text on.
      const pg = deps.db.$client;
      const pattern = q ? `%${escapeLike(q)}%` : "";
      // A timestamptz as toISOString() prints it (UTC, milliseconds, Z); columns are ours, not input.
      const isoSql = (column: string) =>
        pg.unsafe(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
      const [page] = await pg<
        { items: string; more: boolean; tail_at: string | null; tail_id: string | null }[]
      >`
        with page as (
          select t.*, row_number() over (order by t.created_at desc, t.id desc) as n
            from (select * from tenants t
                   where ${status ? pg`t.status = ${status}` : pg`t.status <> 'deleted'`}
                     ${plan ? pg`and t.plan = ${plan}` : pg``}
                     ${q ? pg`and (t.slug ilike ${pattern} or t.display_name ilike ${pattern})` : pg``}
                     ${after ? pg`and (t.created_at, t.id) < (${after.at}::timestamptz, ${after.id}::uuid)` : pg``}
                   order by t.created_at desc, t.id desc
                   limit ${limit + 1}) t)
        select coalesce(json_agg(json_build_object(
                 'id', p.id, 'slug', p.slug, 'displayName', p.display_name, 'plan', p.plan,
                 'status', p.status, 'seats', (p.spec->>'seats')::int, 'appUrl', p.outputs->>'appUrl',
                 'createdAt', ${isoSql("p.created_at")}, 'updatedAt', ${isoSql("p.updated_at")},
                 'lastOperation', (select json_build_object('id', o.id, 'kind', o.kind, 'status', o.status,
                                                            'createdAt', ${isoSql("o.created_at")})
                                     from operations o where o.tenant_id = p.id
                                    order by o.created_at desc limit 1))
                 order by p.n) filter (where p.n <= ${limit}), '[]')::text as items,
               count(*) > ${limit} as more,
               max(p.created_at::text) filter (where p.n = ${limit}) as tail_at,
               max(p.id::text) filter (where p.n = ${limit}) as tail_id
          from page p`;
      const nextCursor =
        page?.more && page.tail_at && page.tail_id ? encodeCursor(page.tail_at, page.tail_id) : null;
      const body = `{"items":${page?.items ?? "[]"},"nextCursor":${JSON.stringify(nextCursor)}}`;
      // Typed as the schema says, so the typed client sees the same shape c.json would give it.
      return new Response(body, {
        status: 200,
        headers: { "content-type": "application/json" },
      }) as unknown as TypedResponse<z.output<typeof TenantPage>, 200, "json">;
    })
    .openapi(routes.create, async (c) => {
      const actor = principalOf(c);
      const body = c.req.valid("json");
      const tenantId = crypto.randomUUID();
      const spec = TenantSpec.parse({ ...body, tenantId });
      try {
        const queued = await queueOnce(deps, actor, idem(c, body), () =>
          deps.db.transaction(async (tx) => {
            await claimHosts(tx, tenantId, spec);
            await tx.insert(tenants).values({
              id: tenantId,
              slug: spec.slug,
              displayName: spec.displayName,
              plan: spec.plan,
              spec,
              // Its isp-ops mails the invitation once it is up and hears of it.
              ...(spec.admin ? { adminInvitedAt: new Date() } : {}),
            });
            await tx.insert(licences).values({ tenantId, seats: spec.seats });
            const op = await insertOperation(tx, {
              tenantId,
              kind: "create",
              actor,
              request: { spec },
              idempotency: idem(c, body),
            });
            await audit(tx, actor, c.get("requestId"), {
              action: "tenant.create",
              targetType: "tenant",
              targetId: tenantId,
              after: { ...spec, operationId: op.id },
            });
            return op;
          }),
        );
        return c.json(queued, 202);
      } catch (error) {
        if (isUnique(error, "tenants_slug_live")) {
          throw new ProblemError(409, {
            detail: `the slug ${spec.slug} is taken`,
            errors: [{ path: "slug", message: "already taken by another tenant" }],
          });
        }
        throw error;
      }
    })
    .openapi(routes.get, async (c) => {
      const tenant = await findTenant(deps.db, c.req.valid("param").slug);
      const last = await lastOperations(deps, [tenant.id]);
      return c.json(presentTenant(tenant, last.get(tenant.id)), 200);
    })
    .openapi(routes.patch, async (c) => {
      const actor = principalOf(c);
      const change = c.req.valid("json");
      const key = idem(c, change);
      const queued = await queueOnce(deps, actor, key, () =>
        deps.db.transaction(async (tx) => {
          const tenant = await findTenant(tx, c.req.valid("param").slug, true);
          if (tenant.status === "deleting")
            throw new ProblemError(409, { detail: "the tenant is being deleted" });
          const op = await changeTenant(tx, tenant, change, actor, c.get("requestId"), { idempotency: key });
          if (change.seats !== undefined) {
            await tx.update(licences).set({ seats: change.seats }).where(eq(licences.tenantId, tenant.id));
          }
          return op;
        }),
      );
      return c.json(queued, 202);
    })
    .openapi(routes.suspend, lifecycleHandler("suspend"))
    .openapi(routes.resume, lifecycleHandler("resume"))
    .openapi(routes.refresh, lifecycleHandler("refresh"))
    .openapi(routes.preview, async (c) => {
      const actor = principalOf(c);
      const tenant = await findTenant(deps.db, c.req.valid("param").slug);
      // Without a body, the current spec: what the next update would do (drift included).
      const change = c.req.valid("json") as z.output<typeof TenantSpecChange> | undefined;
      const current = TenantSpec.parse(tenant.spec);
      const spec =
        change && Object.keys(change).length > 0
          ? parseOrThrow(TenantSpec, applySpecChange(current, change), "tenant spec after the change")
          : current;
      const [pending] = await deps.db
        .select({ id: operations.id })
        .from(operations)
        .where(
          and(
            eq(operations.tenantId, tenant.id),
            eq(operations.kind, "preview"),
            inArray(operations.status, ["queued", "running"]),
          ),
        );
      if (pending) {
        throw new ProblemError(429, {
          detail: `a preview of ${tenant.slug} is already on its way: operation ${pending.id}`,
          retryAfterSeconds: 5,
        });
      }
      const op = await deps.db.transaction((tx) =>
        insertOperation(tx, { tenantId: tenant.id, kind: "preview", actor, request: { spec } }),
      );
      const queued = await accept(deps, op);
      if (c.req.valid("query").wait !== "true") return c.json(queued, 202);
      const done = await finishedPreview(deps, op.id);
      return done ? c.json(presentOperation(done), 200) : c.json(queued, 202);
    })
    .openapi(routes.previewNew, async (c) => {
      const actor = principalOf(c);
      const body = c.req.valid("json");
      const [taken] = await deps.db
        .select({ id: tenants.id })
        .from(tenants)
        .where(and(eq(tenants.slug, body.slug), ne(tenants.status, "deleted")));
      if (taken) {
        throw new ProblemError(409, {
          detail: `the slug ${body.slug} is taken`,
          errors: [{ path: "slug", message: "already taken by another tenant" }],
        });
      }
      // The id is a stand-in: the real one is assigned when the tenant is onboarded.
      const spec = TenantSpec.parse({ ...body, tenantId: crypto.randomUUID() });
      const op = await deps.db.transaction((tx) =>
        insertOperation(tx, { tenantId: null, kind: "preview", actor, request: { spec } }),
      );
      const queued = await accept(deps, op);
      if (c.req.valid("query").wait !== "true") return c.json(queued, 202);
      const done = await finishedPreview(deps, op.id);
      return done ? c.json(presentOperation(done), 200) : c.json(queued, 202);
    })
    .openapi(routes.remove, async (c) => {
      const actor = principalOf(c);
      const { slug } = c.req.valid("param");
      if (c.req.valid("query").confirm !== slug) {
        throw new ProblemError(400, {
          detail: "deleting a tenant destroys its stack and data; confirm by repeating its slug",
          errors: [{ path: "confirm", message: `must be ${slug}` }],
        });
      }
      const key = idem(c);
      const queued = await queueOnce(deps, actor, key, () =>
        deps.db.transaction(async (tx) => {
          const tenant = await findTenant(tx, slug, true);
          if (tenant.status === "deleting") throw new ProblemError(409, { detail: "already being deleted" });
          await tx
            .update(tenants)
            .set({ status: "deleting", updatedAt: sql`now()` })
            .where(eq(tenants.id, tenant.id));
          const op = await insertOperation(tx, {
            tenantId: tenant.id,
            kind: "destroy",
            actor,
            idempotency: key,
          });
          await audit(tx, actor, c.get("requestId"), {
            action: "tenant.delete",
            targetType: "tenant",
            targetId: tenant.id,
            before: { status: tenant.status, spec: tenant.spec },
            after: { status: "deleting", operationId: op.id },
          });
          return op;
        }),
      );
      return c.json(queued, 202);
    });
}
