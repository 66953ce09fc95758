import { auditLogs, type PlatformDb } from "@dotmac/platform-db";
import type { Principal } from "./auth/principal.ts";

type Tx = Pick<PlatformDb, "insert">;

export interface AuditRecord {
  readonly action: string;
  readonly targetType: string;
  readonly targetId?: string | null;
  readonly before?: unknown;
  readonly after?: unknown;
}

/**
 * Appends one audit entry in the caller's transaction: an action that is rolled back leaves no
 * record, and one that commits cannot lose its record.
 */
export async function audit(
  tx: Tx,
  actor: Principal | "system",
  requestId: string | undefined,
  record: AuditRecord,
): Promise<void> {
  await tx.insert(auditLogs).values({
    actorType: actor === "system" ? "system" : actor.kind,
    actorId: actor === "system" ? "system" : actor.id,
    action: record.action,
    targetType: record.targetType,
    targetId: record.targetId ?? null,
    before: record.before ?? null,
    after: record.after ?? null,
    requestId: requestId ?? null,
  });
}
