import type { TenantAuditActorType } from "@dotmac/contracts";
import { type AuditActor, auditor } from "@dotmac/http/audit";
import { auditLogs, type TenantDb } from "@dotmac/tenant-db";

/**
 * Who acts in isp-ops: a staff member by id, "system", a named part of it ({ system: "sign-in" }),
 * or a subscriber in the portal ({ subscriber: id }).
 */
export type Actor = string | { readonly system: string } | { readonly subscriber: string };

/** How an isp-ops actor is stored in the audit log. */
export const auditActor = (actor: Actor): AuditActor<TenantAuditActorType> =>
  typeof actor !== "string"
    ? "subscriber" in actor
      ? { actorType: "subscriber", actorId: actor.subscriber }
      : { actorType: "system", actorId: actor.system }
    : actor === "system"
      ? { actorType: "system", actorId: "system" }
      : { actorType: "staff", actorId: actor };

/** Appends one entry to the tenant's audit log in the caller's transaction (or alone, given the db). */
export const audit = auditor<Pick<TenantDb, "insert">, Actor, Record<never, never>, TenantAuditActorType>({
  insert: (tx, row) => tx.insert(auditLogs).values(row),
  who: auditActor,
});
