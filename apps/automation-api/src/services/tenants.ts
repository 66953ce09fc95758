import type { PolicyViolation } from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import { operations, type PlatformTx, tenants } from "@dotmac/platform-db";
import { and, desc, eq, inArray, ne } from "drizzle-orm";
import type { TenantRow } from "../engine/store.ts";
import type { Deps } from "../lib/deps.ts";
import { operationWakeups } from "./wakeups.ts";

/** A live tenant by slug, locked for update when asked; 404 when there is none. */
export async function findTenant(
  tx: Pick<PlatformTx, "select">,
  slug: string,
  lock = false,
): Promise<TenantRow> {
  const query = tx
    .select()
    .from(tenants)
    .where(and(eq(tenants.slug, slug), ne(tenants.status, "deleted")));
  const [row] = lock ? await query.for("update") : await query;
  if (!row) throw new ProblemError(404, { detail: `no tenant ${slug}` });
  return row;
}

/** Each tenant's latest operation, for a page of tenants. */
export async function lastOperations(deps: Deps, tenantIds: string[]) {
  if (tenantIds.length === 0) return new Map<string, typeof operations.$inferSelect>();
  const rows = await deps.db
    .selectDistinctOn([operations.tenantId])
    .from(operations)
    .where(inArray(operations.tenantId, tenantIds))
    .orderBy(operations.tenantId, desc(operations.createdAt));
  return new Map(rows.map((r) => [r.tenantId as string, r]));
}

/**
 * Waits up to two minutes for a preview: the operation when it succeeded, a 422 naming the rules
 * when the policy pack refused the plan, a 409 with the engine's words for any other failure;
 * undefined while it is still running.
 */
export async function finishedPreview(deps: Deps, id: string) {
  const done = await waitForOperation(deps, id, 120_000);
  if (!done) return undefined;
  const violations = (done.result as { violations?: PolicyViolation[] } | null)?.violations;
  if (violations?.length)
    throw new ProblemError(422, { detail: "the policy pack refused the plan", violations });
  if (done.status !== "succeeded")
    throw new ProblemError(409, { detail: done.error ?? `the preview ${done.status}` });
  return done;
}

/** Waits for an operation to finish (woken at each change); undefined if it is still going after timeoutMs. */
async function waitForOperation(deps: Deps, id: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const follower = await operationWakeups(deps.db).follow(id);
  try {
    while (Date.now() < deadline) {
      const [op] = await deps.db.select().from(operations).where(eq(operations.id, id));
      if (op && ["succeeded", "failed", "cancelled"].includes(op.status)) return op;
      await follower.next(Math.min(2_000, Math.max(1, deadline - Date.now())));
    }
    return undefined;
  } finally {
    follower.close();
  }
}
