import { canTransition, SubscriberStatus } from "@dotmac/contracts";
import {
  accountingSessions,
  nasClients,
  subscriberStatusHistory,
  subscribers,
  type TenantDb,
  type TenantTx,
} from "@dotmac/tenant-db";
import { and, eq, isNull, sql } from "drizzle-orm";
import { audit } from "./audit.ts";

/** An open session the NAS should end (RFC 5176 Disconnect-Request). */
export interface OpenSession {
  readonly nasId: string;
  readonly nasNetwork: string;
  readonly coaPort: number;
  /** The NAS's own address (its network may be wider than one host). */
  readonly nasIp: string;
  readonly username: string;
  readonly acctSessionId: string;
  readonly framedIp: string | null;
}

/**
 * Ends sessions at their NAS. The isp-ops app asks the tenant's RADIUS server to send the RFC 5176
 * Disconnect-Request (only RADIUS pods may reach the NAS networks); the result of each attempt is
 * written to the audit log either way.
 */
export type SessionDisconnector = (
  session: OpenSession,
) => Promise<{ outcome: string; via?: "coa" | "disconnect"; errorCause?: string }>;

/** The columns of an OpenSession, selected from accounting_sessions joined to nas_clients. */
export const openSessionColumns = {
  nasId: nasClients.id,
  nasNetwork: nasClients.network,
  coaPort: nasClients.coaPort,
  nasIp: accountingSessions.nasIp,
  username: accountingSessions.username,
  acctSessionId: accountingSessions.acctSessionId,
  framedIp: accountingSessions.framedIp,
};

/** A subscriber's sessions that have not stopped, with the NAS each runs on. */
export const openSessions = (db: TenantDb, subscriberId: string): Promise<OpenSession[]> =>
  db
    .select(openSessionColumns)
    .from(accountingSessions)
    .innerJoin(nasClients, eq(nasClients.id, accountingSessions.nasId))
    .where(and(eq(accountingSessions.subscriberId, subscriberId), isNull(accountingSessions.stoppedAt)));

/**
 * Sends `act` (an RFC 5176 request through RADIUS) to each open session of a subscriber and
 * writes each answer to the audit log as `action`; how many there were and how many the NAS acked.
 */
export async function actOnOpenSessions(
  db: TenantDb,
  subscriberId: string,
  act: SessionDisconnector,
  action: string,
  actorId: string,
): Promise<{ sessions: number; acked: number }> {
  const open = await openSessions(db, subscriberId);
  let acked = 0;
  for (const session of open) {
    const result = await act(session).catch((error: unknown) => ({
      outcome: "error",
      errorCause: (error as Error).message,
    }));
    if (result.outcome === "ack") acked++;
    await audit(
      db,
      { system: actorId },
      {
        action,
        targetType: "accounting_session",
        targetId: session.acctSessionId,
        after: { nasId: session.nasId, ...result },
      },
    );
  }
  return { sessions: open.length, acked };
}

export class TransitionError extends Error {
  constructor(
    readonly from: SubscriberStatus,
    readonly to: SubscriberStatus,
  ) {
    super(`${/^[aeiou]/.test(from) ? "an" : "a"} ${from} subscriber cannot become ${to}`);
    this.name = "TransitionError";
  }
}

/** What else a status change does in its own transaction (billing stops or starts with it). */
export type DuringStatusChange = (
  tx: TenantTx,
  change: { subscriberId: string; from: SubscriberStatus; to: SubscriberStatus; actor: string },
) => Promise<void>;

/**
 * Moves a subscriber to a new status: checked against the lifecycle, recorded in the history
 * (who, when, why) and the audit log, in one transaction with `during`. Leaving `active` (suspend, terminate)
 * then disconnects the subscriber's open sessions; RADIUS already refuses new logins, because it
 * reads the status on every Access-Request.
 */
export async function changeSubscriberStatus(
  db: TenantDb,
  input: { subscriberId: string; to: SubscriberStatus; actor: string; reason?: string | undefined },
  disconnect?: SessionDisconnector,
  during?: DuringStatusChange,
): Promise<{ from: SubscriberStatus; to: SubscriberStatus; disconnected: number }> {
  const from = await db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(subscribers)
      .where(eq(subscribers.id, input.subscriberId))
      .for("update");
    if (!row) throw new Error(`no subscriber ${input.subscriberId}`);
    const current = SubscriberStatus.parse(row.status);
    if (!canTransition(current, input.to)) throw new TransitionError(current, input.to);
    await tx
      .update(subscribers)
      .set({ status: input.to, updatedAt: sql`now()` })
      .where(eq(subscribers.id, row.id));
    await tx.insert(subscriberStatusHistory).values({
      subscriberId: row.id,
      fromStatus: current,
      toStatus: input.to,
      reason: input.reason ?? null,
      actor: input.actor,
    });
    await audit(tx, input.actor, {
      action: `subscriber.${input.to}`,
      targetType: "subscriber",
      targetId: row.id,
      before: { status: current },
      after: { status: input.to, ...(input.reason ? { reason: input.reason } : {}) },
    });
    await during?.(tx, { subscriberId: row.id, from: current, to: input.to, actor: input.actor });
    return current;
  });
  const disconnected =
    disconnect && from === "active"
      ? (await actOnOpenSessions(db, input.subscriberId, disconnect, "session.disconnect", "disconnect"))
          .acked
      : 0;
  return { from, to: input.to, disconnected };
}
