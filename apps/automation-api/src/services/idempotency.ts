import { createHash } from "node:crypto";
import type { OperationAccepted } from "@dotmac/contracts";
import { ProblemError } from "@dotmac/http/problem";
import { operations } from "@dotmac/platform-db";
import { and, eq } from "drizzle-orm";
import type { z } from "zod";
import { type Actor, requesterOf } from "../auth/principal.ts";
import type { OperationRow } from "../engine/store.ts";
import type { Deps } from "../lib/deps.ts";

/** A request's Idempotency-Key, and what it was sent with: the same key means the same request. */
export interface Idempotency {
  readonly key: string | undefined;
  readonly fingerprint: string;
}

/** JSON with its keys sorted, so the same body in another key order is the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export function idempotency(
  key: string | undefined,
  method: string,
  path: string,
  body: unknown,
): Idempotency {
  const fingerprint = createHash("sha256")
    .update(`${method} ${path}\n${canonical(body)}`)
    .digest("hex");
  return { key, fingerprint };
}

export type Accepted = z.infer<typeof OperationAccepted>;

const acceptedOf = (op: OperationRow): Accepted => ({
  operationId: op.id,
  tenantId: op.tenantId,
  status: op.status,
});

/** Wakes a worker for a new operation, and answers what the API says of it. */
export async function accept(deps: Deps, op: OperationRow): Promise<Accepted> {
  await deps.engine.kick(op.id, op.kind);
  return acceptedOf(op);
}

/** Whether a database error is a violation of this unique constraint. */
export const isUnique = (error: unknown, constraint: string) => {
  const e = error as { constraint_name?: string; cause?: { constraint_name?: string } };
  return e.constraint_name === constraint || e.cause?.constraint_name === constraint;
};

/** The operation this key made before; a 422 if it was made for another request. */
async function replay(deps: Deps, actor: Actor, idem: Idempotency): Promise<Accepted | undefined> {
  if (!idem.key) return undefined;
  const [op] = await deps.db
    .select()
    .from(operations)
    .where(and(eq(operations.requestedBy, requesterOf(actor)), eq(operations.idempotencyKey, idem.key)));
  if (!op) return undefined;
  if (op.idempotencyFingerprint !== idem.fingerprint) {
    throw new ProblemError(422, {
      detail: "this Idempotency-Key was sent before with another request; use a new key",
      errors: [{ path: "idempotency-key", message: "already used for a different request" }],
    });
  }
  return acceptedOf(op);
}

/**
 * Queues an operation once per key: a repeat (or a duplicate racing it) gets the first one's
 * answer, and the queue is kicked only for the one that was made.
 */
export async function queueOnce(
  deps: Deps,
  actor: Actor,
  idem: Idempotency,
  queue: () => Promise<OperationRow>,
): Promise<Accepted> {
  const prior = await replay(deps, actor, idem);
  if (prior) return prior;
  try {
    return await accept(deps, await queue());
  } catch (error) {
    const again = isUnique(error, "operations_idempotency") ? await replay(deps, actor, idem) : undefined;
    if (again) return again;
    throw error;
  }
}
