import {
  applySpecChange,
  Operation,
  OperationAccepted,
  PlanTier,
  parseOrThrow,
  Tenant,
  TenantPage,
  TenantSpec,
  TenantSpecChange,
  TenantSpecRequest,
  TenantStatus,
} from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import { json, jsonBody, problems, route } from "@dotmac/http/router";
import { licences, operations, tenants } from "@dotmac/platform-db";
import { type RouteHandler, z } from "@hono/zod-openapi";
import { and, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Context, TypedResponse } from "hono";
import { audit } from "../audit.ts";
import type { AppEnv } from "../auth/principal.ts";
import { principalOf, requirePermission } from "../auth/principal.ts";
import type { TenantRow } from "../engine/store.ts";
import { decodeCursor, encodeCursor } from "../lib/cursor.ts";
import type { Deps } from "../lib/deps.ts";
import { createRouter } from "../lib/router.ts";
import { claimHosts } from "../services/hosts.ts";
import { accept, type Idempotency, idempotency, isUnique, queueOnce } from "../services/idempotency.ts";
import { type Actor, changeTenant, insertOperation, type Tx } from "../services/operations.ts";
import { IdempotencyHeader, Limit, SlugParam } from "./common.ts";
import { presentOperation, presentTenant } from "./presenters.ts";

const tags = ["tenants"];

const list = route({
  method: "get",
  path: "/tenants",
  tags,
  summary: "List tenants",
  middleware: [requirePermission("platform:tenants:read")],
  request: {
    query: z.object({
      status: TenantStatus.optional(),
      plan: PlanTier.optional(),
      q: z.string().trim().min(1).max(100).optional().openapi({ description: "slug or name contains" }),
      cursor: z.string().max(200).optional(),
      limit: Limit,
    }),
  },
  responses: { 200: json(TenantPage, "a page of tenants, newest first"), ...problems(400) },
});

const create = route({
  method: "post",
  path: "/tenants",
  tags,
  summary: "Onboard a tenant: validate, record, and queue the stack's first `up`",
  middleware: [requirePermission("platform:tenants:write")],
  request: { headers: IdempotencyHeader, body: jsonBody(TenantSpecRequest) },
  responses: { 202: json(OperationAccepted, "queued"), ...problems(400, 409, 413) },
});

const get = route({
  method: "get",
  path: "/tenants/{slug}",
  tags,
  summary: "A tenant, with its stack's outputs",
  middleware: [requirePermission("platform:tenants:read")],
  request: { params: SlugParam },
  responses: { 200: json(Tenant, "the tenant"), ...problems(404) },
});

const patch = route({
  method: "patch",
  path: "/tenants/{slug}",
  tags,
  summary: "Change plan, seats, features, branding or images: queues an update",
  middleware: [requirePermission("platform:tenants:write")],
  request: { params: SlugParam, headers: IdempotencyHeader, body: jsonBody(TenantSpecChange) },
  responses: { 202: json(OperationAccepted, "queued"), ...problems(400, 404, 409) },
});

const lifecycle = (action: "suspend" | "resume" | "refresh") =>
  route({
    method: "post",
    path: `/tenants/{slug}/${action}`,
    tags,
    summary: {
      suspend: "Suspend: scale the tenant's workloads to zero (RADIUS refuses logins)",
      resume: "Resume a suspended tenant",
      refresh: "Drift check: compare the stack's state with the cluster, changing nothing",
    }[action],
    middleware: [requirePermission("platform:tenants:write")],
    request: { params: SlugParam, headers: IdempotencyHeader },
    responses: { 202: json(OperationAccepted, "queued"), ...problems(404, 409) },
  });

const preview = route({
  method: "post",
  path: "/tenants/{slug}/preview",
  tags,
  summary:
    "Preview a change (or the current spec): the plan's steps, nothing changed; one at a time per tenant",
  // A preview runs the engine: it costs what an update costs, so it needs what an update needs.
  middleware: [requirePermission("platform:tenants:write")],
  request: {
    params: SlugParam,
    query: z.object({
      wait: z.enum(["true", "false"]).optional().openapi({
        description:
          "answer when the preview is done (up to 2 minutes): 200 with the steps, or 422 naming the broken policy rules",
      }),
    }),
    body: { required: false, content: { "application/json": { schema: TenantSpecChange } } },
  },
  responses: {
    200: json(Operation, "the finished preview (with wait=true)"),
    202: json(OperationAccepted, "queued; the steps arrive in the operation's result"),
    ...problems(400, 404, 422, 429),
  },
});

const previewNew = route({
  method: "post",
  path: "/tenants/preview",
  tags,
  summary:
    "Preview an onboarding: the resources the stamp would create, against an empty backend; nothing created",
  middleware: [requirePermission("platform:tenants:write")],
  request: {
    query: z.object({ wait: z.enum(["true", "false"]).optional() }),
    body: jsonBody(TenantSpecRequest),
  },
  responses: {
    200: json(Operation, "the finished preview (with wait=true): its steps are in result.steps"),
    202: json(OperationAccepted, "queued"),
    ...problems(400, 409, 422),
  },
});

const remove = route({
  method: "delete",
  path: "/tenants/{slug}",
  tags,
  summary: "Destroy the tenant's stack and remove it; `confirm` must repeat the slug",
  middleware: [requirePermission("platform:tenants:delete")],
  request: {
    params: SlugParam,
    headers: IdempotencyHeader,
    query: z.object({ confirm: z.string().openapi({ description: "the tenant's slug, typed again" }) }),
  },
  responses: { 202: json(OperationAccepted, "queued"), ...problems(400, 404, 409) },
});

async function findTenant(tx: Pick<Tx, "select">, slug: string, lock = false): Promise<TenantRow> {
  const query = tx
    .select()
    .from(tenants)
    .where(and(eq(tenants.slug, slug), ne(tenants.status, "deleted")));
  const [row] = lock ? await query.for("update") : await query;
  if (!row) throw new ProblemError(404, { detail: `no tenant ${slug}` });
  return row;
}

async function lastOperations(deps: Deps, tenantIds: string[]) {
  if (tenantIds.length === 0) return new Map<string, typeof operations.$inferSelect>();
  const rows = await deps.db
    .selectDistinctOn([operations.tenantId])
    .from(operations)
    .where(inArray(operations.tenantId, tenantIds))
    .orderBy(operations.tenantId, desc(operations.createdAt));
  return new Map(rows.map((r) => [r.tenantId as string, r]));
}

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
    (kind: "suspend" | "resume" | "refresh"): RouteHandler<ReturnType<typeof lifecycle>, AppEnv> =>
    async (c) =>
      c.json(
        await lifecycleOp(principalOf(c), c.get("requestId"), kind, c.req.valid("param").slug, idem(c)),
        202,
      );

  return createRouter()
    .openapi(list, async (c) => {
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
    .openapi(create, async (c) => {
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
    .openapi(get, async (c) => {
      const tenant = await findTenant(deps.db, c.req.valid("param").slug);
      const last = await lastOperations(deps, [tenant.id]);
      return c.json(presentTenant(tenant, last.get(tenant.id)), 200);
    })
    .openapi(patch, async (c) => {
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
    .openapi(lifecycle("suspend"), lifecycleHandler("suspend"))
    .openapi(lifecycle("resume"), lifecycleHandler("resume"))
    .openapi(lifecycle("refresh"), lifecycleHandler("refresh"))
    .openapi(preview, async (c) => {
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
    .openapi(previewNew, async (c) => {
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
    .openapi(remove, async (c) => {
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

/**
 * Waits up to two minutes for a preview: the operation when it succeeded, a 422 naming the rules
 * when the policy pack refused the plan, a 409 with the engine's words for any other failure;
 * undefined while it is still running.
 */
async function finishedPreview(deps: Deps, id: string) {
  const done = await waitForOperation(deps, id, 120_000);
  if (!done) return undefined;
  const violations = (done.result as { violations?: { rule: string; message: string }[] } | null)?.violations;
  if (violations?.length)
    throw new ProblemError(422, { detail: "the policy pack refused the plan", violations });
  if (done.status !== "succeeded")
    throw new ProblemError(409, { detail: done.error ?? `the preview ${done.status}` });
  return done;
}

/** Polls an operation until it finishes; undefined if it is still going after timeoutMs. */
async function waitForOperation(deps: Deps, id: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [op] = await deps.db.select().from(operations).where(eq(operations.id, id));
    if (op && ["succeeded", "failed", "cancelled"].includes(op.status)) return op;
    await new Promise((r) => setTimeout(r, 250));
  }
  return undefined;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`);
