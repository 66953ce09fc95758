import { applySpecChange, parseOrThrow, TenantSpec, type TenantSpecChange } from "@dotmac/contracts";
import { operations, type PlatformTx, tenants } from "@dotmac/platform-db";
import { eq, sql } from "drizzle-orm";
import type { z } from "zod";
import { audit } from "../audit.ts";
import { type Actor, requesterOf } from "../auth/principal.ts";
import type { OperationRow, TenantRow } from "../engine/store.ts";
import { claimHosts } from "./hosts.ts";
import type { Idempotency } from "./idempotency.ts";

export async function insertOperation(
  tx: PlatformTx,
  values: {
    tenantId: string | null;
    kind: OperationRow["kind"];
    actor: Actor;
    request?: unknown;
    idempotency?: Idempotency | undefined;
    parentId?: string | undefined;
  },
): Promise<OperationRow> {
  const [op] = await tx
    .insert(operations)
    .values({
      tenantId: values.tenantId,
      kind: values.kind,
      requestedBy: requesterOf(values.actor),
      request: values.request ?? null,
      idempotencyKey: values.idempotency?.key ?? null,
      idempotencyFingerprint: values.idempotency?.key ? values.idempotency.fingerprint : null,
      parentId: values.parentId ?? null,
    })
    .returning();
  if (!op) throw new Error("operation not inserted");
  return op;
}

/**
 * Applies a spec change to a tenant and queues the update that deploys it, in the caller's
 * transaction. The result must still be a valid spec: a plan that cannot hold the seats, say,
 * is refused naming the field, and nothing changes.
 */
export async function changeTenant(
  tx: PlatformTx,
  tenant: TenantRow,
  change: z.output<typeof TenantSpecChange>,
  actor: Actor,
  requestId: string | undefined,
  opts: { parentId?: string; idempotency?: Idempotency | undefined } = {},
): Promise<OperationRow> {
  const before = TenantSpec.parse(tenant.spec);
  const spec = parseOrThrow(TenantSpec, applySpecChange(before, change), "tenant spec after the change");
  if (change.customDomains !== undefined) await claimHosts(tx, tenant.id, spec);
  await tx
    .update(tenants)
    .set({ spec, plan: spec.plan, displayName: spec.displayName, updatedAt: sql`now()` })
    .where(eq(tenants.id, tenant.id));
  const op = await insertOperation(tx, {
    tenantId: tenant.id,
    kind: "update",
    actor,
    request: { change, spec },
    idempotency: opts.idempotency,
    parentId: opts.parentId,
  });
  await audit(tx, actor, requestId, {
    action: "tenant.update",
    targetType: "tenant",
    targetId: tenant.id,
    before,
    after: { ...spec, operationId: op.id },
  });
  return op;
}
