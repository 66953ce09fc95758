import type { DunningPause } from "@dotmac/contracts";
import { dunningEvents, dunningStates, subscribers, type TenantDb } from "@dotmac/tenant-db";
import { desc, eq, sql } from "drizzle-orm";
import { audit } from "../audit.ts";
import { today } from "./money.ts";

/** Staff hold dunning for a subscriber until a day (a promise to pay), or lift the hold. */
export async function pauseDunning(db: TenantDb, actor: string, subscriberId: string, input: DunningPause) {
  await db.transaction(async (tx) => {
    await tx
      .insert(dunningStates)
      .values({ subscriberId, pausedUntil: input.until })
      .onConflictDoUpdate({
        target: dunningStates.subscriberId,
        set: { pausedUntil: input.until, updatedAt: sql`now()` },
      });
    await audit(tx, actor, {
      action: input.until ? "dunning.pause" : "dunning.resume",
      targetType: "subscriber",
      targetId: subscriberId,
      after: input,
    });
  });
}

/** Where dunning stands for a subscriber, and what it did. */
export async function dunningState(db: TenantDb, subscriberId: string, asOf = today()) {
  const [state] = await db.select().from(dunningStates).where(eq(dunningStates.subscriberId, subscriberId));
  const [oldest] = await db.$client<{ days: number }[]>`
    select (${asOf}::date - due_on) as days from invoices
     where subscriber_id = ${subscriberId} and kind = 'invoice' and status in ('issued', 'partially_paid', 'overdue') and due_on is not null
     order by due_on limit 1`;
  const events = await db
    .select()
    .from(dunningEvents)
    .where(eq(dunningEvents.subscriberId, subscriberId))
    .orderBy(desc(dunningEvents.at), desc(dunningEvents.id))
    .limit(100);
  const [subscriber] = await db
    .select({ status: subscribers.status })
    .from(subscribers)
    .where(eq(subscribers.id, subscriberId));
  return {
    daysOverdue: oldest?.days ?? null,
    walledGardenSince: state?.walledGardenSince?.toISOString() ?? null,
    suspendedByDunning: subscriber?.status === "suspended" && Boolean(state?.suspendedAt),
    pausedUntil: state?.pausedUntil ?? null,
    events: events.map((e) => ({
      id: e.id,
      at: e.at.toISOString(),
      kind: e.kind,
      invoiceId: e.invoiceId,
      detail: e.detail,
    })),
  };
}
