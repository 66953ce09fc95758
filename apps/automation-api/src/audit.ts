import type { AuditActorType } from "@dotmac/contracts";
import { type AuditRecord, auditor } from "@dotmac/http/audit";
import { auditLogs, type PlatformDb } from "@dotmac/platform-db";
import type { Actor } from "./auth/principal.ts";

const append = auditor<Pick<PlatformDb, "insert">, Actor, { requestId: string | null }, AuditActorType>({
  insert: (tx, row) => tx.insert(auditLogs).values(row),
  who: (actor) =>
    actor === "system"
      ? { actorType: "system", actorId: "system" }
      : { actorType: actor.kind, actorId: actor.id },
});

/** Appends one audit entry in the caller's transaction, with the request it came from. */
export const audit = (
  tx: Pick<PlatformDb, "insert">,
  actor: Actor,
  requestId: string | undefined,
  record: AuditRecord,
) => append(tx, actor, record, { requestId: requestId ?? null });
