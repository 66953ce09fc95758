import { ProblemError } from "@dotmac/http/problem";
import * as routes from "@dotmac/platform-api/routes/operations";
import { operationEvents, operations, tenants } from "@dotmac/platform-db";
import { and, asc, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { streamSSE } from "hono/streaming";
import { audit } from "../audit.ts";
import { principalOf } from "../auth/principal.ts";
import { decodeCursor, encodeCursor } from "../lib/cursor.ts";
import type { Deps } from "../lib/deps.ts";
import { iso } from "../lib/json.ts";
import { createRouter } from "../lib/router.ts";
import { insertOperation } from "../services/operations.ts";
import { operationWakeups } from "../services/wakeups.ts";
import { presentOperation } from "./presenters.ts";

const finished = new Set(["succeeded", "failed", "cancelled"]);

export function operationsRouter(deps: Deps) {
  const find = async (id: string) => {
    const [op] = await deps.db.select().from(operations).where(eq(operations.id, id));
    if (!op) throw new ProblemError(404, { detail: `no operation ${id}` });
    return op;
  };
  const eventsAfter = (id: string, after: number, limit = 500) =>
    deps.db
      .select()
      .from(operationEvents)
      .where(and(eq(operationEvents.operationId, id), gt(operationEvents.seq, after)))
      .orderBy(asc(operationEvents.seq))
      .limit(limit);

  return createRouter()
    .openapi(routes.list, async (c) => {
      const { tenant, status, parent, cursor, limit } = c.req.valid("query");
      const after = cursor ? decodeCursor(cursor) : undefined;
      if (cursor && !after)
        throw new ProblemError(400, { errors: [{ path: "cursor", message: "not a cursor this API gave" }] });
      const rows = await deps.db
        .select({ op: operations, at: sql<string>`${operations.createdAt}::text` })
        .from(operations)
        .leftJoin(tenants, eq(tenants.id, operations.tenantId))
        .where(
          and(
            tenant ? eq(tenants.slug, tenant) : undefined,
            status ? eq(operations.status, status) : undefined,
            parent ? eq(operations.parentId, parent) : undefined,
            after
              ? sql`(${operations.createdAt}, ${operations.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`
              : undefined,
          ),
        )
        .orderBy(desc(operations.createdAt), desc(operations.id))
        .limit(limit + 1);
      const tail = rows[limit - 1];
      const page = rows.slice(0, limit).map((r) => r.op);
      return c.json(
        {
          items: page.map(presentOperation),
          nextCursor: rows.length > limit && tail ? encodeCursor(tail.at, tail.op.id) : null,
        },
        200,
      );
    })
    .openapi(routes.get, async (c) => c.json(presentOperation(await find(c.req.valid("param").id)), 200))
    .openapi(routes.cancel, async (c) => {
      const actor = principalOf(c);
      const { id } = c.req.valid("param");
      const op = await deps.db.transaction(async (tx) => {
        const [op] = await tx.select().from(operations).where(eq(operations.id, id)).for("update");
        if (!op) throw new ProblemError(404, { detail: `no operation ${id}` });
        if (finished.has(op.status))
          throw new ProblemError(409, { detail: `the operation already ${op.status}` });
        const queued = op.status === "queued" && op.kind !== "fleet";
        const [updated] = await tx
          .update(operations)
          .set(
            queued
              ? {
                  cancelRequestedAt: sql`now()`,
                  status: "cancelled",
                  finishedAt: sql`now()`,
                  error: "cancelled before it ran",
                }
              : { cancelRequestedAt: sql`coalesce(${operations.cancelRequestedAt}, now())` },
          )
          .where(and(eq(operations.id, id), isNull(operations.finishedAt)))
          .returning();
        await audit(tx, actor, c.get("requestId"), {
          action: "operation.cancel",
          targetType: "operation",
          targetId: id,
          before: { status: op.status },
          after: { status: updated?.status ?? op.status },
        });
        // A create that never ran leaves nothing behind; its tenant is failed, not stuck provisioning.
        if (queued && op.tenantId && op.kind === "create") {
          await tx
            .update(tenants)
            .set({ status: "failed", updatedAt: sql`now()` })
            .where(eq(tenants.id, op.tenantId));
        }
        return updated ?? op;
      });
      deps.engine.interrupt(id);
      return c.json(presentOperation(op), 202);
    })
    .openapi(routes.retry, async (c) => {
      const actor = principalOf(c);
      const { id } = c.req.valid("param");
      const op = await deps.db.transaction(async (tx) => {
        const [failed] = await tx.select().from(operations).where(eq(operations.id, id));
        if (!failed) throw new ProblemError(404, { detail: `no operation ${id}` });
        if (failed.status !== "failed" && failed.status !== "cancelled") {
          throw new ProblemError(409, {
            detail: `only a failed or cancelled operation can be retried, not a ${failed.status} one`,
          });
        }
        if (!failed.tenantId || !["create", "update", "suspend", "resume", "destroy"].includes(failed.kind)) {
          throw new ProblemError(409, {
            detail: `a ${failed.kind} operation is not retried; start a new one`,
          });
        }
        const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, failed.tenantId)).for("update");
        if (!tenant || tenant.status === "deleted")
          throw new ProblemError(409, { detail: "the tenant is gone" });
        // The spec now on record: a retry deploys what the tenant is meant to be, not an old snapshot.
        const again = await insertOperation(tx, {
          tenantId: tenant.id,
          kind: failed.kind,
          actor,
          request: { spec: tenant.spec, retryOf: failed.id },
        });
        if (failed.kind === "destroy") {
          await tx
            .update(tenants)
            .set({ status: "deleting", updatedAt: sql`now()` })
            .where(eq(tenants.id, tenant.id));
        } else if (failed.kind === "create") {
          await tx
            .update(tenants)
            .set({ status: "provisioning", updatedAt: sql`now()` })
            .where(eq(tenants.id, tenant.id));
        }
        await audit(tx, actor, c.get("requestId"), {
          action: "operation.retry",
          targetType: "operation",
          targetId: failed.id,
          before: { status: failed.status, error: failed.error },
          after: { operationId: again.id },
        });
        return again;
      });
      await deps.engine.kick(op.id, op.kind);
      return c.json({ operationId: op.id, tenantId: op.tenantId, status: "queued" as const }, 202);
    })
    .openapi(routes.events, async (c) => {
      const { id } = c.req.valid("param");
      await find(id);
      const from = c.req.valid("header")["last-event-id"] ?? c.req.valid("query").after ?? 0;
      if ((c.req.header("accept") ?? "").includes("application/json")) {
        const rows = await eventsAfter(id, from, 10_000);
        return c.json(
          {
            items: rows.map((e) => ({
              seq: e.seq,
              type: e.type,
              payload: e.payload,
              createdAt: iso(e.createdAt),
            })),
          },
          200,
        );
      }
      // Polling the table (not memory) lets any replica serve any operation's stream.
      return streamSSE(c, async (stream) => {
        let last = from;
        let closed = false;
        const follower = await operationWakeups(deps.db).follow(id);
        stream.onAbort(() => {
          closed = true;
          follower.close();
        });
        while (!closed) {
          const rows = await eventsAfter(id, last);
          for (const e of rows) {
            await stream.writeSSE({
              id: String(e.seq),
              event: e.type,
              data: JSON.stringify({
                seq: e.seq,
                type: e.type,
                payload: e.payload,
                createdAt: iso(e.createdAt),
              }),
            });
            last = e.seq;
          }
          if (rows.length === 0) {
            const op = await find(id);
            if (finished.has(op.status)) {
              const tail = await eventsAfter(id, last);
              if (tail.length === 0) {
                await stream.writeSSE({
                  event: "end",
                  data: JSON.stringify({ status: op.status, error: op.error }),
                });
                follower.close();
                break;
              }
              continue;
            }
            // Until its next event or status (a NOTIFY), and at least every few seconds.
            await follower.next(5_000);
          }
        }
      }) as never;
    });
}
