import {
  accountingSessions,
  devices,
  nasClients,
  radiusCredentials,
  servicePlans,
  subscriberStatusHistory,
  subscribers,
  type TenantDb,
} from "@dotmac/tenant-db";
import { and, asc, desc, eq, gte, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";

/** An inet column as a bare address (no prefix length). */
const hostOf = (column: AnyPgColumn) => sql<string | null>`host(${column})`;

/** A subscriber with their plan and login name. */
export async function subscriberSummary(db: TenantDb, id: string) {
  const [subscriber] = await db
    .select({
      id: subscribers.id,
      accountNumber: subscribers.accountNumber,
      name: subscribers.name,
      email: subscribers.email,
      phone: subscribers.phone,
      serviceAddress: subscribers.serviceAddress,
      status: subscribers.status,
      staticIp: hostOf(subscribers.staticIp),
      planId: subscribers.planId,
      planName: servicePlans.name,
      downloadKbps: servicePlans.downloadKbps,
      uploadKbps: servicePlans.uploadKbps,
      dataCapBytes: servicePlans.dataCapBytes,
      username: radiusCredentials.username,
      createdAt: subscribers.createdAt,
    })
    .from(subscribers)
    .leftJoin(servicePlans, eq(servicePlans.id, subscribers.planId))
    .leftJoin(radiusCredentials, eq(radiusCredentials.subscriberId, subscribers.id))
    .where(eq(subscribers.id, id));
  return subscriber;
}

/** A subscriber's last sessions, newest first. */
export function recentSessions(db: TenantDb, id: string, limit: number) {
  return db
    .select({
      // The API names a session by its id as text (a bigint would lose digits in JSON).
      id: sql<string>`${accountingSessions.id}::text`,
      sessionId: accountingSessions.acctSessionId,
      nas: nasClients.name,
      framedIp: hostOf(accountingSessions.framedIp),
      startedAt: accountingSessions.startedAt,
      stoppedAt: accountingSessions.stoppedAt,
      seconds: accountingSessions.sessionSeconds,
      inputOctets: accountingSessions.inputOctets,
      outputOctets: accountingSessions.outputOctets,
      terminateCause: accountingSessions.terminateCause,
    })
    .from(accountingSessions)
    .innerJoin(nasClients, eq(nasClients.id, accountingSessions.nasId))
    .where(eq(accountingSessions.subscriberId, id))
    .orderBy(desc(accountingSessions.startedAt))
    .limit(limit);
}

/** Everything a subscriber page shows: plan, login name, sessions, usage, devices, history. */
export async function subscriberDetail(db: TenantDb, id: string) {
  const subscriber = await subscriberSummary(db, id);
  if (!subscriber) return undefined;
  const day: SQL<string> = sql`to_char(date_trunc('day', ${accountingSessions.startedAt}), 'YYYY-MM-DD')`;
  const [sessions, usage, deviceRows, history] = await Promise.all([
    recentSessions(db, id, 20),
    db
      .select({
        day,
        inputOctets: sql<number>`sum(${accountingSessions.inputOctets})::float8`,
        outputOctets: sql<number>`sum(${accountingSessions.outputOctets})::float8`,
      })
      .from(accountingSessions)
      .where(
        and(
          eq(accountingSessions.subscriberId, id),
          gte(accountingSessions.startedAt, sql`now() - interval '30 days'`),
        ),
      )
      .groupBy(day)
      .orderBy(day),
    db
      .select({
        id: devices.id,
        serial: devices.serial,
        model: devices.model,
        mac: devices.mac,
        genieacsId: devices.genieacsId,
      })
      .from(devices)
      .where(eq(devices.subscriberId, id))
      .orderBy(asc(devices.createdAt)),
    db
      .select({
        from: subscriberStatusHistory.fromStatus,
        to: subscriberStatusHistory.toStatus,
        reason: subscriberStatusHistory.reason,
        actor: subscriberStatusHistory.actor,
        at: subscriberStatusHistory.at,
      })
      .from(subscriberStatusHistory)
      .where(eq(subscriberStatusHistory.subscriberId, id))
      .orderBy(desc(subscriberStatusHistory.at), desc(subscriberStatusHistory.id))
      .limit(50),
  ]);
  return { ...subscriber, sessions, usage, devices: deviceRows, history };
}
