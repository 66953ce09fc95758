import type { StoredEvent } from "@dotmac/contracts";
import { TenantSpec } from "@dotmac/contracts";
import { operationEvents, operations, type PlatformDb, tenants } from "@dotmac/platform-db";
import { and, asc, desc, eq, ne, sql } from "drizzle-orm";
import { audit } from "../audit.ts";

export type OperationRow = typeof operations.$inferSelect;
export type TenantRow = typeof tenants.$inferSelect;

const isUniqueViolation = (error: unknown) =>
  (error as { code?: string; cause?: { code?: string } }).code === "23505" ||
  (error as { cause?: { code?: string } }).cause?.code === "23505";

/** What a tenant becomes when an operation of each kind ends. */
export function tenantStatusAfter(
  kind: OperationRow["kind"],
  outcome: "succeeded" | "failed" | "cancelled",
  current: TenantRow["status"],
): TenantRow["status"] {
  if (kind === "preview" || kind === "refresh" || kind === "fleet") return current;
  if (outcome === "cancelled")
    return kind === "create" ? "failed" : current === "deleting" ? "failed" : current;
  if (outcome === "failed") return "failed";
  switch (kind) {
    case "create":
    case "resume":
      return "active";
    case "suspend":
      return "suspended";
    case "update":
      return current === "suspended" ? "suspended" : "active";
    case "destroy":
      return "deleted";
    default:
      return current;
  }
}

/** The database side of running operations: claim, lease, events, finish, recovery. */
export class OperationStore {
  /** Half a lease: a run that cannot renew stops a third of a lease before its lease ends. */
  readonly graceSeconds: number;

  constructor(
    readonly db: PlatformDb,
    readonly leaseSeconds: number,
  ) {
    this.graceSeconds = Math.ceil(leaseSeconds / 2);
  }

  /**
   * Takes a queued operation for this replica, unless its stack is busy or an older operation of
   * the same tenant still waits: operations of one stack run one at a time, in the order asked.
   */
  async claim(operationId: string): Promise<OperationRow | undefined> {
    try {
      const rows = await this.db.execute<{ id: string }>(sql`
        update operations o
           set status = 'running',
               started_at = coalesce(o.started_at, now()),
               attempt = o.attempt + 1,
               lease_expires_at = now() + make_interval(secs => ${this.leaseSeconds})
         where o.id = ${operationId}
           and o.status = 'queued'
           and o.cancel_requested_at is null
           and not exists (select 1 from operations r where r.tenant_id = o.tenant_id and r.status = 'running')
           and not exists (
             select 1 from operations q
              where q.tenant_id = o.tenant_id and q.status = 'queued'
                and (q.created_at, q.id) < (o.created_at, o.id))
        returning o.id`);
      if (rows.length === 0) return undefined;
      return this.get(operationId);
    } catch (error) {
      // Another replica claimed a sibling in the same instant; the index kept the promise.
      if (isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  async get(operationId: string): Promise<OperationRow | undefined> {
    const [row] = await this.db.select().from(operations).where(eq(operations.id, operationId));
    return row;
  }

  async tenant(tenantId: string): Promise<TenantRow | undefined> {
    const [row] = await this.db.select().from(tenants).where(eq(tenants.id, tenantId));
    return row;
  }

  /** Whether the tenant's last finished operation failed or was cancelled (its stack may be locked). */
  async lastEndedBadly(tenantId: string, exceptId: string): Promise<boolean> {
    const [row] = await this.db
      .select({ status: operations.status })
      .from(operations)
      .where(
        and(
          eq(operations.tenantId, tenantId),
          ne(operations.id, exceptId),
          sql`${operations.finishedAt} is not null`,
        ),
      )
      .orderBy(desc(operations.finishedAt))
      .limit(1);
    return row?.status === "failed" || row?.status === "cancelled";
  }

  async nextSeq(operationId: string): Promise<number> {
    const [row] = await this.db
      .select({ max: sql<number | null>`max(${operationEvents.seq})` })
      .from(operationEvents)
      .where(eq(operationEvents.operationId, operationId));
    return (row?.max ?? 0) + 1;
  }

  /**
   * Stores an event; with `attempt`, only while that attempt still runs the operation (a run that
   * lost its lease writes nothing more).
   */
  async appendEvent(operationId: string, seq: number, event: StoredEvent, attempt?: number): Promise<void> {
    const fence =
      attempt === undefined
        ? sql`true`
        : sql`exists (select 1 from operations where id = ${operationId} and status = 'running' and attempt = ${attempt})`;
    await this.db.execute(sql`
      insert into operation_events (operation_id, seq, type, payload)
      select ${operationId}, ${seq}, ${event.type}, ${JSON.stringify(event.payload)}::jsonb
       where ${fence}`);
  }

  /**
   * Ends an operation and moves its tenant on, in one transaction with the audit entry; only if
   * the operation is still as `op` saw it (same status, same attempt): a run that lost its lease
   * to another attempt changes nothing. False when refused.
   */
  async finish(
    op: OperationRow,
    outcome: "succeeded" | "failed" | "cancelled",
    fields: { result?: unknown; error?: string; outputs?: Record<string, unknown> },
  ): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const ended = await tx
        .update(operations)
        .set({
          status: outcome,
          finishedAt: sql`now()`,
          leaseExpiresAt: null,
          result: fields.result ?? null,
          error: fields.error ?? null,
        })
        .where(
          and(eq(operations.id, op.id), eq(operations.status, op.status), eq(operations.attempt, op.attempt)),
        )
        .returning({ id: operations.id });
      if (ended.length === 0) return false;
      if (!op.tenantId) return true;
      const [tenant] = await tx.select().from(tenants).where(eq(tenants.id, op.tenantId)).for("update");
      if (!tenant) return true;
      const status = tenantStatusAfter(op.kind, outcome, tenant.status);
      await tx
        .update(tenants)
        .set({
          status,
          updatedAt: sql`now()`,
          ...(fields.outputs ? { outputs: fields.outputs } : {}),
          ...(status === "deleted" ? { outputs: null } : {}),
        })
        .where(eq(tenants.id, tenant.id));
      if (status !== tenant.status) {
        await audit(tx, "system", undefined, {
          action: `tenant.${status}`,
          targetType: "tenant",
          targetId: tenant.id,
          before: { status: tenant.status },
          after: { status, operationId: op.id, ...(fields.error ? { error: fields.error } : {}) },
        });
      }
      return true;
    });
  }

  /** The next operation waiting on a tenant's stack, if any. */
  async nextQueued(tenantId: string): Promise<string | undefined> {
    const [row] = await this.db
      .select({ id: operations.id })
      .from(operations)
      .where(and(eq(operations.tenantId, tenantId), eq(operations.status, "queued")))
      .orderBy(asc(operations.createdAt), asc(operations.id))
      .limit(1);
    return row?.id;
  }

  /** Queued operations that could start now: the head of each idle tenant's line, and fleets. */
  async runnable(limit = 100): Promise<{ id: string; kind: string }[]> {
    return this.db.execute<{ id: string; kind: string }>(sql`
      select o.id, o.kind from operations o
       where o.status = 'queued'
         and not exists (select 1 from operations r where r.tenant_id = o.tenant_id and r.status = 'running')
         and not exists (
           select 1 from operations q
            where q.tenant_id = o.tenant_id and q.status = 'queued'
              and (q.created_at, q.id) < (o.created_at, o.id))
       order by o.created_at
       limit ${limit}`);
  }

  /**
   * Puts a running operation back in line, if `op`'s attempt still holds it, counting the attempt
   * as handed back (the attempt number, the fence, still only grows).
   */
  async handBack(op: OperationRow): Promise<boolean> {
    const rows = await this.db
      .update(operations)
      .set({ status: "queued", leaseExpiresAt: null, handedBack: sql`${operations.handedBack} + 1` })
      .where(
        and(eq(operations.id, op.id), eq(operations.status, "running"), eq(operations.attempt, op.attempt)),
      )
      .returning({ id: operations.id });
    return rows.length > 0;
  }

  /**
   * Operations whose replica stopped renewing the lease (killed, crashed, partitioned) a grace
   * period ago: put back in line for another attempt, or failed with the reason once attempts are
   * used up. The grace leaves a run that lost its lease time to see it and stop on its own.
   */
  async reapExpired(maxAttempts: number): Promise<{ requeued: OperationRow[]; failed: OperationRow[] }> {
    const lapsed = sql`${operations.leaseExpiresAt} < now() - make_interval(secs => ${this.graceSeconds})`;
    const expired = await this.db
      .select()
      .from(operations)
      .where(and(eq(operations.status, "running"), lapsed));
    const requeued: OperationRow[] = [];
    const failed: OperationRow[] = [];
    for (const op of expired) {
      if (op.attempt - op.handedBack < maxAttempts && !op.cancelRequestedAt && op.kind !== "fleet") {
        const [row] = await this.db
          .update(operations)
          .set({ status: "queued", leaseExpiresAt: null })
          .where(and(eq(operations.id, op.id), eq(operations.status, "running"), lapsed))
          .returning();
        if (row) requeued.push(row);
      } else {
        const reason = op.cancelRequestedAt
          ? "cancelled; the replica running it stopped before it could finish"
          : `the replica running it stopped ${op.attempt - op.handedBack} time(s); giving up after ${maxAttempts} attempts`;
        await this.finish(op, op.cancelRequestedAt ? "cancelled" : "failed", { error: reason });
        failed.push(op);
      }
    }
    return { requeued, failed };
  }
}

/** The spec an operation runs with: the snapshot taken when it was asked for. */
export function specOf(op: OperationRow, tenant: TenantRow): TenantSpec {
  const request = op.request as { spec?: unknown } | null;
  return TenantSpec.parse(request?.spec ?? tenant.spec);
}
