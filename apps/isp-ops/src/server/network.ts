import type { NasCreate, NasUpdate } from "@dotmac/contracts";
import type { SecretBox } from "@dotmac/crypto/secret-box";
import { ProblemError } from "@dotmac/http/problem";
import { accountingSessions, nasClients, sealedFor, type TenantDb } from "@dotmac/tenant-db";
import { eq } from "drizzle-orm";
import { audit } from "./audit.ts";
import type { Staff } from "./auth.ts";
import { constraintProblem } from "./constraints.ts";
import { openSessionColumns, type SessionDisconnector } from "./lifecycle.ts";

/** What may be shown of a NAS: everything but its secret (sealed at rest, never returned). */
const nasView = {
  id: nasClients.id,
  name: nasClients.name,
  network: nasClients.network,
  vendor: nasClients.vendor,
  coaPort: nasClients.coaPort,
  requireMessageAuthenticator: nasClients.requireMessageAuthenticator,
  createdAt: nasClients.createdAt,
};

export async function listNas(db: TenantDb) {
  return db.select(nasView).from(nasClients).orderBy(nasClients.name);
}

export async function createNas(db: TenantDb, box: SecretBox, staff: Staff, input: NasCreate) {
  const id = crypto.randomUUID();
  try {
    await db.transaction(async (tx) => {
      await tx.insert(nasClients).values({
        id,
        name: input.name,
        network: input.network,
        vendor: input.vendor,
        coaPort: input.coaPort,
        requireMessageAuthenticator: input.requireMessageAuthenticator,
        secretEncrypted: box.seal(input.secret, sealedFor.nasSecret(id)),
      });
      const { secret: _secret, ...recorded } = input;
      await audit(tx, staff.id, { action: "nas.create", targetType: "nas", targetId: id, after: recorded });
    });
    return { id };
  } catch (error) {
    throw constraintProblem(error);
  }
}

/**
 * Changes a NAS, a secret rotation included; the RADIUS servers pick it up at once (the table
 * notifies them). The audit entry says a secret was rotated, never what it was or is.
 */
export async function updateNas(db: TenantDb, box: SecretBox, staff: Staff, id: string, input: NasUpdate) {
  try {
    return await db.transaction(async (tx) => {
      const [before] = await tx.select(nasView).from(nasClients).where(eq(nasClients.id, id)).for("update");
      if (!before) throw new ProblemError(404, { detail: "no such NAS" });
      const { secret, ...settings } = input;
      const [after] = await tx
        .update(nasClients)
        .set({
          ...settings,
          ...(secret !== undefined ? { secretEncrypted: box.seal(secret, sealedFor.nasSecret(id)) } : {}),
        })
        .where(eq(nasClients.id, id))
        .returning(nasView);
      await audit(tx, staff.id, {
        action: "nas.update",
        targetType: "nas",
        targetId: id,
        before,
        after: { ...after, ...(secret !== undefined ? { secretRotated: true } : {}) },
      });
      return after;
    });
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    throw constraintProblem(error);
  }
}

/** Who is online now: the open sessions, newest first, optionally for one username or address. */
export async function onlineSessions(db: TenantDb, q: string | undefined) {
  const pg = db.$client;
  const filter = q?.trim();
  return pg<
    {
      id: string;
      username: string;
      subscriberId: string | null;
      name: string | null;
      nas: string;
      framedIp: string | null;
      startedAt: Date;
      inputOctets: string;
      outputOctets: string;
    }[]
  >`
    select a.id::text, a.username, a.subscriber_id as "subscriberId", s.name, n.name as nas,
           host(a.framed_ip) as "framedIp", a.started_at as "startedAt",
           a.input_octets as "inputOctets", a.output_octets as "outputOctets"
      from accounting_sessions a
      join nas_clients n on n.id = a.nas_id
      left join subscribers s on s.id = a.subscriber_id
     where a.stopped_at is null
       ${filter ? pg`and (a.username = ${filter} or host(a.framed_ip) = ${filter})` : pg``}
     order by a.started_at desc
     limit 100`;
}

/** Staff end one session by hand (RFC 5176 through the tenant's RADIUS server); the result is audited. */
export async function disconnectSession(
  db: TenantDb,
  staff: Staff,
  sessionId: string,
  disconnect: SessionDisconnector | undefined,
) {
  if (!disconnect) throw new ProblemError(503, { detail: "no RADIUS server is configured to disconnect" });
  if (!/^\d{1,18}$/.test(sessionId)) throw new ProblemError(404, { detail: "no such session" });
  const [row] = await db
    .select({ ...openSessionColumns, stoppedAt: accountingSessions.stoppedAt })
    .from(accountingSessions)
    .innerJoin(nasClients, eq(nasClients.id, accountingSessions.nasId))
    .where(eq(accountingSessions.id, Number(sessionId)));
  if (!row) throw new ProblemError(404, { detail: "no such session" });
  if (row.stoppedAt) throw new ProblemError(409, { detail: "the session has already ended" });
  const result = await disconnect(row);
  await audit(db, staff.id, {
    action: "session.disconnect",
    targetType: "accounting_session",
    targetId: row.acctSessionId,
    after: { nasId: row.nasId, ...result },
  });
  return result;
}
