import type { operations } from "@dotmac/platform-db";
import type { TenantRow } from "../engine/store.ts";
import { iso, isoOrNull } from "../lib/json.ts";

type OperationRow = typeof operations.$inferSelect;

export function presentOperation(op: OperationRow) {
  return {
    id: op.id,
    tenantId: op.tenantId,
    parentId: op.parentId,
    kind: op.kind,
    status: op.status,
    requestedBy: op.requestedBy,
    error: op.error,
    attempt: op.attempt,
    request: op.request ?? null,
    result: op.result ?? null,
    createdAt: iso(op.createdAt),
    startedAt: isoOrNull(op.startedAt),
    finishedAt: isoOrNull(op.finishedAt),
  };
}

export function presentTenant(t: TenantRow, last: OperationRow | undefined) {
  return {
    id: t.id,
    slug: t.slug,
    displayName: t.displayName,
    plan: t.plan,
    status: t.status,
    spec: t.spec as Record<string, unknown>,
    outputs: (t.outputs as Record<string, unknown> | null) ?? null,
    createdAt: iso(t.createdAt),
    updatedAt: iso(t.updatedAt),
    lastOperation: last
      ? {
          id: last.id,
          kind: last.kind,
          status: last.status,
          createdAt: iso(last.createdAt),
        }
      : null,
  };
}
