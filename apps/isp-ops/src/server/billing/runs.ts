import type { BillingCycle } from "@dotmac/contracts";
import { billingAccounts, billingRuns, invoices, type TenantDb } from "@dotmac/tenant-db";
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import { createInvoice, type DraftLine } from "./invoices.ts";
import { settingsOf, type Tx } from "./ledger.ts";
import { periodContaining, prorate } from "./money.ts";
import { allocate } from "./payments.ts";

const BATCH = 500;

interface Billable {
  id: string;
  planName: string;
  priceMinor: number;
  currency: string;
  cycle: BillingCycle;
  /** The day they last became active (their first period starts there). */
  activeSince: string;
}

/**
 * Invoices every period of one subscriber that has started by `asOf` and is not billed yet, in
 * advance (prepaid), each in the same transaction as its number: a run killed at any moment
 * leaves whole invoices and no gap in the numbering; run again, it carries on where it stopped.
 */
async function billSubscriber(tx: Tx, s: Billable, billingDay: number | null, asOf: string, actor: string) {
  await tx
    .insert(billingAccounts)
    .values({
      subscriberId: s.id,
      anchorDay: billingDay ?? Number(s.activeSince.slice(8, 10)),
      billedThrough: s.activeSince,
    })
    .onConflictDoNothing();
  const [account] = await tx
    .select()
    .from(billingAccounts)
    .where(eq(billingAccounts.subscriberId, s.id))
    .for("update");
  if (!account) throw new Error(`no billing account for ${s.id}`);
  let from = account.billedThrough;
  let made = 0;
  while (from <= asOf) {
    const period = periodContaining(from, account.anchorDay, s.cycle);
    const full = from === period.start;
    const line: DraftLine = full
      ? {
          kind: "plan",
          description: `${s.planName}, ${period.start} to ${period.end}`,
          quantity: 1,
          unitMinor: s.priceMinor,
        }
      : {
          kind: "proration",
          description: `${s.planName}, ${from} to ${period.end} (part of the period from ${period.start})`,
          quantity: 1,
          unitMinor: prorate(s.priceMinor, period, from, period.end),
        };
    // The unique (subscriber, period start) index makes a second invoice for the period impossible.
    const [billed] = await tx
      .select({ id: invoices.id })
      .from(invoices)
      .where(
        and(eq(invoices.subscriberId, s.id), eq(invoices.periodStart, from), eq(invoices.kind, "invoice")),
      );
    if (!billed) {
      await createInvoice(tx, {
        subscriberId: s.id,
        currency: s.currency,
        lines: [line],
        period: { start: from, end: period.end },
        actor,
      });
      made += 1;
    }
    from = period.end;
  }
  await tx.update(billingAccounts).set({ billedThrough: from }).where(eq(billingAccounts.subscriberId, s.id));
  // Credit from an overpayment pays the new invoices.
  if (made > 0) await allocate(tx, s.id);
  return made;
}

/** Bills every active subscriber with a plan up to `asOf`, and marks what is past due overdue. */
export async function runBilling(db: TenantDb, actor: string, asOf = new Date().toISOString().slice(0, 10)) {
  const [run] = await db
    .insert(billingRuns)
    .values({ asOf, startedBy: actor })
    .returning({ id: billingRuns.id });
  if (!run) throw new Error("insert returned nothing");
  let subscribers = 0;
  let made = 0;
  try {
    const { billingDay } = await settingsOf(db);
    const pg = db.$client;
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const batch = await pg<Billable[]>`
        select s.id, p.name as "planName", p.price_minor as "priceMinor", p.currency, p.billing_cycle as cycle,
               coalesce((select max(h.at) from subscriber_status_history h
                          where h.subscriber_id = s.id and h.to_status = 'active'), s.created_at)::date::text as "activeSince"
          from subscribers s
          join service_plans p on p.id = s.plan_id
          left join billing_accounts a on a.subscriber_id = s.id
         where s.status = 'active' and s.id > ${after} and (a.billed_through is null or a.billed_through <= ${asOf})
         order by s.id limit ${BATCH}`;
      if (batch.length === 0) break;
      for (const s of batch) {
        made += await db.transaction((tx) => billSubscriber(tx, s, billingDay, asOf, actor));
        subscribers += 1;
      }
      after = batch[batch.length - 1]?.id ?? after;
      await db.update(billingRuns).set({ subscribers, invoices: made }).where(eq(billingRuns.id, run.id));
    }
    await db
      .update(invoices)
      .set({ status: "overdue" })
      .where(
        and(
          eq(invoices.kind, "invoice"),
          inArray(invoices.status, ["issued", "partially_paid"]),
          lt(invoices.dueOn, asOf),
        ),
      );
    await db
      .update(billingRuns)
      .set({ subscribers, invoices: made, finishedAt: sql`now()` })
      .where(eq(billingRuns.id, run.id));
    return { id: run.id, asOf, subscribers, invoices: made };
  } catch (error) {
    await db
      .update(billingRuns)
      .set({ subscribers, invoices: made, finishedAt: sql`now()`, error: (error as Error).message })
      .where(eq(billingRuns.id, run.id));
    throw error;
  }
}
