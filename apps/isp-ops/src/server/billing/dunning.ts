import type { DunningAction, SubscriberStatus } from "@dotmac/contracts";
import { dunningEvents, dunningStates, type TenantDb } from "@dotmac/tenant-db";
import { eq, sql } from "drizzle-orm";
import { audit } from "../audit.ts";
import {
  actOnOpenSessions,
  changeSubscriberStatus,
  openSessions,
  type SessionDisconnector,
} from "../lifecycle.ts";
import type { TenantMail } from "../mail.ts";
import { openAmount } from "./invoices.ts";
import { billingBrand, settingsOf } from "./ledger.ts";
import { today } from "./money.ts";
import { dunningNotice } from "./notices.ts";
import { billStatusChange } from "./service-changes.ts";

/**
 * How dunning reaches the network, through the tenant's RADIUS server (absent: at the next
 * login), and the subscriber, by mail (absent: the step is recorded, nothing is sent).
 */
export interface NetworkControl {
  /** Ends a session (a suspension). */
  readonly disconnect?: SessionDisconnector | undefined;
  /** Brings a session in line with the subscriber's standing (into or out of the walled garden). */
  readonly reauthorize?: SessionDisconnector | undefined;
  readonly mail?: TenantMail | undefined;
}

const BATCH = 500;

/**
 * Sends the request to each open session of the subscriber and writes each answer to the audit
 * log, as a suspension's Disconnect-Requests are. Without a control, says that nothing live changed.
 */
async function actOnSessions(db: TenantDb, subscriberId: string, act: SessionDisconnector | undefined) {
  if (!act)
    return {
      sessions: (await openSessions(db, subscriberId)).length,
      changed: 0,
      note: "no RADIUS control: takes effect at the next login",
    };
  const { sessions, acked } = await actOnOpenSessions(db, subscriberId, act, "session.reauthorize", "system");
  return { sessions, changed: acked };
}

interface Candidate {
  subscriberId: string;
  name: string;
  email: string | null;
  currency: string;
  invoiceId: string;
  number: string;
  dueOn: string;
  days: number;
  status: SubscriberStatus;
  walledGardenSince: Date | null;
  suspendedAt: Date | null;
  /** The steps already taken for this invoice. */
  done: DunningAction[];
}

/**
 * One step for one subscriber. Network first, record last: a run killed between them repeats the
 * step's network half on the next run (a CoA or Disconnect sent twice is harmless), and the unique
 * (invoice, step) index records it once.
 */
async function takeStep(
  db: TenantDb,
  net: NetworkControl,
  actor: string,
  c: Candidate,
  action: DunningAction,
  on: string,
): Promise<Record<string, unknown>> {
  const why = `invoice ${c.number} ${c.days >= 0 ? `${c.days} days past due` : `due on ${c.dueOn}`}`;
  switch (action) {
    case "reminder":
    case "notice":
      return { invoice: c.number, dueOn: c.dueOn };
    case "walled_garden": {
      if (c.status !== "active") return { skipped: `the subscriber is ${c.status}` };
      await db
        .insert(dunningStates)
        .values({ subscriberId: c.subscriberId, walledGardenSince: sql`now()` })
        .onConflictDoUpdate({
          target: dunningStates.subscriberId,
          set: {
            walledGardenSince: sql`coalesce(${dunningStates.walledGardenSince}, now())`,
            updatedAt: sql`now()`,
          },
        });
      return { reason: why, ...(await actOnSessions(db, c.subscriberId, net.reauthorize)) };
    }
    case "suspend": {
      // Marked first, so a run killed after the suspension still knows it was dunning's to lift.
      if (c.status === "suspended" && c.suspendedAt) return { reason: why, recovered: true };
      if (c.status !== "active") return { skipped: `the subscriber is ${c.status}` };
      await db
        .insert(dunningStates)
        .values({ subscriberId: c.subscriberId, suspendedAt: sql`now()` })
        .onConflictDoUpdate({
          target: dunningStates.subscriberId,
          set: { suspendedAt: sql`now()`, updatedAt: sql`now()` },
        });
      const { disconnected } = await changeSubscriberStatus(
        db,
        { subscriberId: c.subscriberId, to: "suspended", actor, reason: `dunning: ${why}` },
        net.disconnect,
        billStatusChange(on),
      );
      return { reason: why, disconnected };
    }
    case "terminate": {
      if (c.status === "terminated") return { recovered: true };
      const { disconnected } = await changeSubscriberStatus(
        db,
        { subscriberId: c.subscriberId, to: "terminated", actor, reason: `dunning: ${why}` },
        net.disconnect,
        billStatusChange(on),
      );
      // Terminated is final: nothing for a payment to lift.
      await db
        .update(dunningStates)
        .set({ suspendedAt: null, walledGardenSince: null, updatedAt: sql`now()` })
        .where(eq(dunningStates.subscriberId, c.subscriberId));
      return { reason: why, disconnected };
    }
  }
}

/**
 * Tells the subscriber what the step means, by mail; says what became of the message. A notice
 * sent again (a run killed before it recorded the step) has the same Message-ID.
 */
async function notify(db: TenantDb, mail: TenantMail | undefined, c: Candidate, step: DunningAction) {
  if (!mail) return "not sent: no mail transport configured";
  if (!c.email) return "not sent: the subscriber has no e-mail address";
  const { open } = await openAmount(db, c.invoiceId);
  const notice = dunningNotice(await billingBrand(db, mail.brand), step, {
    to: c.email,
    name: c.name,
    invoiceId: c.invoiceId,
    number: c.number,
    dueOn: c.dueOn,
    days: c.days,
    openMinor: open,
    currency: c.currency,
  });
  try {
    const { messageId } = await mail.send(notice);
    return `sent to ${c.email} (${messageId})`;
  } catch (error) {
    return `not sent: ${(error as Error).message}`;
  }
}

/**
 * Lifts what dunning did once the invoices it acted on are settled (paid, or credited): resumes a
 * suspension that was dunning's (never one staff made) and takes live sessions out of the walled
 * garden with a CoA-Request. Should another invoice be past due by then, the next run takes its
 * steps afresh. The restore is recorded in the same transaction that clears the state; a run
 * killed before the CoA leaves the session to get its normal attributes at its next login.
 */
export async function restoreIfSettled(
  db: TenantDb,
  net: NetworkControl,
  actor: string,
  subscriberId: string,
): Promise<boolean> {
  const [row] = await db.$client<
    { walled: boolean; suspended: boolean; status: SubscriberStatus; overdue: number }[]
  >`
    select d.walled_garden_since is not null as walled, d.suspended_at is not null as suspended, s.status,
           (select count(*) from invoices i
             where i.subscriber_id = d.subscriber_id and i.status in ('issued', 'partially_paid', 'overdue')
               and exists (select 1 from dunning_events e
                            where e.invoice_id = i.id and e.kind in ('walled_garden', 'suspend')))::int as overdue
      from dunning_states d join subscribers s on s.id = d.subscriber_id
     where d.subscriber_id = ${subscriberId}`;
  if (!row || (!row.walled && !row.suspended) || row.overdue > 0) return false;
  const lifted: Record<string, unknown> = { walledGarden: row.walled, suspension: row.suspended };
  if (row.suspended && row.status === "suspended") {
    await changeSubscriberStatus(
      db,
      { subscriberId, to: "active", actor, reason: "dunning: paid" },
      undefined,
      billStatusChange(today()),
    );
    lifted.resumed = true;
  }
  await db.transaction(async (tx) => {
    await tx
      .update(dunningStates)
      .set({ walledGardenSince: null, suspendedAt: null, updatedAt: sql`now()` })
      .where(eq(dunningStates.subscriberId, subscriberId));
    await tx.insert(dunningEvents).values({ subscriberId, kind: "restore", detail: lifted });
    await audit(tx, actor, {
      action: "dunning.restore",
      targetType: "subscriber",
      targetId: subscriberId,
      after: lifted,
    });
  });
  if (row.walled && (row.status === "active" || lifted.resumed)) {
    await actOnSessions(db, subscriberId, net.reauthorize);
  }
  return true;
}

/**
 * Takes every step of the tenant's policy that is due for each subscriber's oldest open invoice
 * (in the policy's order, each once per invoice), after lifting what settled accounts no longer
 * deserve. Subscribers staff paused are left alone until the day after their pause.
 */
export async function runDunning(db: TenantDb, net: NetworkControl, actor: string, asOf = today()) {
  const pg = db.$client;
  let restored = 0;
  for (const { subscriberId } of await pg<{ subscriberId: string }[]>`
      select subscriber_id as "subscriberId" from dunning_states
       where walled_garden_since is not null or suspended_at is not null`) {
    if (await restoreIfSettled(db, net, actor, subscriberId)) restored += 1;
  }
  const policy = [...(await settingsOf(db)).dunningPolicy].sort((a, b) => a.daysOverdue - b.daysOverdue);
  let subscriberCount = 0;
  let steps = 0;
  const earliest = policy[0]?.daysOverdue;
  if (earliest === undefined) return { asOf, subscribers: 0, steps: 0, restored };
  let after = "00000000-0000-0000-0000-000000000000";
  for (;;) {
    const batch = await pg<Candidate[]>`
      select distinct on (i.subscriber_id)
             i.subscriber_id as "subscriberId", s.name, s.email, i.currency,
             i.id as "invoiceId", i.number, i.due_on::text as "dueOn",
             (${asOf}::date - i.due_on) as days, s.status,
             d.walled_garden_since as "walledGardenSince", d.suspended_at as "suspendedAt",
             array(select e.kind from dunning_events e where e.invoice_id = i.id) as done
        from invoices i
        join subscribers s on s.id = i.subscriber_id
        left join dunning_states d on d.subscriber_id = i.subscriber_id
       where i.kind = 'invoice' and i.status in ('issued', 'partially_paid', 'overdue') and i.subscriber_id > ${after}
         and i.due_on <= ${asOf}::date - ${earliest}::int
         and (d.paused_until is null or d.paused_until < ${asOf})
       order by i.subscriber_id, i.due_on, i.id
       limit ${BATCH}`;
    if (batch.length === 0) break;
    for (const c of batch) {
      const due = policy.filter((step) => step.daysOverdue <= c.days && !c.done.includes(step.action));
      if (due.length > 0) subscriberCount += 1;
      for (const step of due) {
        const detail = await takeStep(db, net, actor, c, step.action, asOf);
        if (step.action === "suspend" && !detail.skipped) c.status = "suspended";
        if (step.action === "terminate" && !detail.skipped) c.status = "terminated";
        if (!detail.skipped && !detail.recovered) detail.mail = await notify(db, net.mail, c, step.action);
        await db.transaction(async (tx) => {
          const [event] = await tx
            .insert(dunningEvents)
            .values({ subscriberId: c.subscriberId, invoiceId: c.invoiceId, kind: step.action, detail })
            .onConflictDoNothing()
            .returning({ id: dunningEvents.id });
          if (event) {
            await audit(tx, actor, {
              action: `dunning.${step.action}`,
              targetType: "subscriber",
              targetId: c.subscriberId,
              after: {
                invoiceId: c.invoiceId,
                ...detail,
              },
            });
          }
        });
        steps += 1;
      }
    }
    after = batch[batch.length - 1]?.subscriberId ?? after;
  }
  return { asOf, subscribers: subscriberCount, steps, restored };
}
