import type { StoredEvent } from "@dotmac/contracts";
import { TenantSpecChange } from "@dotmac/contracts";
import { operations, tenants } from "@dotmac/platform-db";
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { changeTenant } from "../services/operations.ts";
import type { OperationRow, OperationStore } from "./store.ts";

export interface FleetRequest {
  readonly change: TenantSpecChange;
  readonly tenantIds: string[];
  readonly parallelism: number;
  readonly stopOnFailure: boolean;
  readonly actor: { kind: "user" | "token"; id: string; name: string; permissions: string[]; userId: string };
}

type TenantProgress = {
  tenantId: string;
  slug: string;
  operationId?: string;
  status: string;
  error?: string;
};

export interface FleetResult {
  total: number;
  succeeded: number;
  failed: number;
  skipped: number;
  tenants: TenantProgress[];
}

/** What a rollout needs of the engine that runs it: the store, and a way to start a child now. */
export interface FleetEngine {
  readonly store: OperationStore;
  kick(operationId: string, kind: string): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A rollout: one update per tenant, at most `parallelism` in flight, each an ordinary operation
 * (so it queues behind anything else on that stack). Progress is kept on the parent's result.
 */
export async function runFleet(
  engine: FleetEngine,
  parent: OperationRow,
  signal: AbortSignal,
  emit: (event: StoredEvent) => unknown,
): Promise<FleetResult> {
  const db = engine.store.db;
  const request = parent.request as FleetRequest;
  const change = TenantSpecChange.parse(request.change);
  const rows = await db
    .select({ id: tenants.id, slug: tenants.slug })
    .from(tenants)
    .where(inArray(tenants.id, request.tenantIds));
  // In the order the rollout was asked for: the first tenants named are its canaries.
  rows.sort((a, b) => request.tenantIds.indexOf(a.id) - request.tenantIds.indexOf(b.id));
  const progress: TenantProgress[] = rows.map((t) => ({ tenantId: t.id, slug: t.slug, status: "pending" }));
  // A retried rollout picks up the children it already started.
  const existing = await db.select().from(operations).where(eq(operations.parentId, parent.id));
  for (const child of existing) {
    const p = progress.find((t) => t.tenantId === child.tenantId);
    if (p) Object.assign(p, { operationId: child.id, status: child.status });
  }
  const done = (s: string) => s === "succeeded" || s === "failed" || s === "cancelled" || s === "skipped";
  const summary = (): FleetResult => ({
    total: progress.length,
    succeeded: progress.filter((t) => t.status === "succeeded").length,
    failed: progress.filter((t) => t.status === "failed" || t.status === "cancelled").length,
    skipped: progress.filter((t) => t.status === "skipped").length,
    tenants: progress,
  });
  const save = () => db.update(operations).set({ result: summary() }).where(eq(operations.id, parent.id));

  let stopped = false;
  while (progress.some((t) => !done(t.status))) {
    if (signal.aborted) stopped = true;
    const inFlight = progress.filter((t) => t.operationId && !done(t.status));
    if (!stopped) {
      for (const t of progress
        .filter((p) => p.status === "pending")
        .slice(0, request.parallelism - inFlight.length)) {
        try {
          const op = await db.transaction(async (tx) => {
            const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, t.tenantId)).for("update");
            if (!tenant || tenant.status === "deleted" || tenant.status === "deleting") return undefined;
            return changeTenant(tx, tenant, change, request.actor, undefined, { parentId: parent.id });
          });
          if (!op) {
            Object.assign(t, { status: "skipped", error: "the tenant is being deleted" });
            continue;
          }
          Object.assign(t, { operationId: op.id, status: "queued" });
          await engine.kick(op.id, op.kind);
        } catch (error) {
          Object.assign(t, { status: "failed", error: (error as Error).message });
        }
      }
    } else {
      for (const t of progress.filter((p) => p.status === "pending")) t.status = "skipped";
      // Children not yet started are withdrawn; running ones finish or are interrupted.
      const waiting = progress
        .filter((p) => p.operationId && p.status === "queued")
        .map((p) => p.operationId as string);
      if (waiting.length > 0) {
        await db
          .update(operations)
          .set({ cancelRequestedAt: sql`now()` })
          .where(and(inArray(operations.id, waiting), isNull(operations.cancelRequestedAt)));
      }
    }
    await sleep(1000);
    const ids = progress.flatMap((t) => (t.operationId ? [t.operationId] : []));
    const children = ids.length ? await db.select().from(operations).where(inArray(operations.id, ids)) : [];
    for (const child of children) {
      const t = progress.find((p) => p.operationId === child.id);
      if (!t || t.status === child.status) continue;
      // A withdrawn child that never ran is finished here: nobody else will pick it up.
      if (child.status === "queued" && child.cancelRequestedAt) {
        await engine.store.finish(child, "cancelled", { error: "withdrawn: the rollout stopped" });
        child.status = "cancelled";
      }
      t.status = child.status;
      if (child.error) t.error = child.error;
      if (done(child.status)) {
        await emit({
          type: "status",
          payload: { status: child.status, message: `${t.slug}: ${child.status}` },
        });
        if (child.status !== "succeeded" && request.stopOnFailure) stopped = true;
      }
    }
    await save();
  }
  return summary();
}
