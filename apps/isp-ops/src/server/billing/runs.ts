import type { BillingCycle, BillingMode } from "@dotmac/contracts";
import { billingAccounts, billingRuns, invoices, type TenantDb, type TenantTx } from "@dotmac/tenant-db";
import { and, eq, inArray, lt, ne, sql } from "drizzle-orm";
import { createInvoice, type DraftLine } from "./invoices.ts";
import { settingsOf } from "./ledger.ts";
import { periodContaining, prorate, today } from "./money.ts";
import { allocate } from "./payments.ts";

const BATCH = 500;

export interface Billable {
  id: string;
  planName: string;
  priceMinor: number;
  currency: string;
  cycle: BillingCycle;
  mode: BillingMode;
  /** Octets a period includes, and the price of each GB begun over them (postpaid). */
  capBytes: number | null;
  overagePerGbMinor: number | null;
  /** The day they last became active (their first period starts there). */
  activeSince: string;
}

const GB = 1e9;

/**
 * What a postpaid period used over its plan's cap, in GB begun: the octets of the sessions that
 * started in it (a session counts in the period it began, as the cap check counts it).
 */
async function overageLine(
  tx: TenantTx,
  s: Billable,
  from: string,
  to: string,
): Promise<DraftLine | undefined> {
  if (s.capBytes === null || s.overagePerGbMinor === null) return undefined;
  const [row] = await tx.execute<{ used: string }>(sql`
    select coalesce(sum(input_octets + output_octets), 0)::text as used from accounting_sessions
     where subscriber_id = ${s.id} and started_at >= ${from}::date and started_at < ${to}::date`);
  const over = Number(row?.used ?? 0) - s.capBytes;
  if (over <= 0) return undefined;
  const gb = Math.ceil(over / GB);
  return {
    kind: "usage",
    description: `Data over the ${s.capBytes / GB} GB cap, ${from} to ${to}: ${gb} GB`,
    quantity: gb,
    unitMinor: s.overagePerGbMinor,
  };
}

/**
 * Invoices every period of one subscriber that is due by `asOf` and not billed yet: a prepaid
 * period once it has started, a postpaid one once it has ended (with its usage over the cap).
 * `stopOn` ends the service that day: a postpaid subscriber's days before it are billed now.
 * Each invoice is made in the same transaction as its number: a run killed at any moment leaves
 * whole invoices and no gap in the numbering; run again, it carries on where it stopped.
 */
export async function billSubscriber(
  tx: TenantTx,
  s: Billable,
  billingDay: number | null,
  asOf: string,
  actor: string,
  stopOn?: string,
) {
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
  for (;;) {
    const period = periodContaining(from, account.anchorDay, s.cycle);
    let to = period.end;
    if (s.mode === "prepaid") {
      if (from > asOf) break;
    } else if (stopOn !== undefined && stopOn < period.end) {
      if (from >= stopOn) break;
      to = stopOn;
    } else if (period.end > asOf) break;
    const whole = from === period.start && to === period.end;
    const lines: DraftLine[] = [
      whole
        ? {
            kind: "plan",
            description: `${s.planName}, ${period.start} to ${period.end}`,
            quantity: 1,
            unitMinor: s.priceMinor,
          }
        : {
            kind: "proration",
            description: `${s.planName}, ${from} to ${to} (part of the period from ${period.start})`,
            quantity: 1,
            unitMinor: prorate(s.priceMinor, period, from, to),
          },
    ];
    const usage = s.mode === "postpaid" ? await overageLine(tx, s, from, to) : undefined;
    if (usage) lines.push(usage);
    // The unique (subscriber, segment, period start) index makes a second invoice impossible.
    const [billed] = await tx
      .select({ id: invoices.id })
      .from(invoices)
      .where(
        and(
          eq(invoices.subscriberId, s.id),
          eq(invoices.segment, account.segment),
          eq(invoices.periodStart, from),
          eq(invoices.kind, "invoice"),
          ne(invoices.status, "void"),
        ),
      );
    if (!billed) {
      await createInvoice(tx, {
        subscriberId: s.id,
        currency: s.currency,
        lines,
        period: { start: from, end: to },
        cycle: { segment: account.segment, priceMinor: s.priceMinor, start: period.start },
        actor,
      });
      made += 1;
    }
    from = to;
  }
  await tx.update(billingAccounts).set({ billedThrough: from }).where(eq(billingAccounts.subscriberId, s.id));
  // Credit from an overpayment pays the new invoices.
  if (made > 0) await allocate(tx, s.id);
  return made;
}

/** A subscriber's plan as billing needs it, and the day they last became active. */
const billable = sql`
  select s.id, p.name as "planName", p.price_minor as "priceMinor", p.currency, p.billing_cycle as cycle,
         p.billing_mode as mode, p.data_cap_bytes::float8 as "capBytes", p.overage_per_gb_minor as "overagePerGbMinor",
         coalesce((select max(h.at) from subscriber_status_history h
                    where h.subscriber_id = s.id and h.to_status = 'active'), s.created_at)::date::text as "activeSince"
    from subscribers s join service_plans p on p.id = s.plan_id`;

/** One subscriber's plan for billing, whatever their status; undefined without a plan. */
export async function billableOf(tx: TenantTx, subscriberId: string): Promise<Billable | undefined> {
  const [row] = await tx.execute<Billable & Record<string, unknown>>(
    sql`${billable} where s.id = ${subscriberId}`,
  );
  return row;
}

/**
 * Starts a run's record holding its session lock, taken in the same statement as the insert, so
 * no other run sees the row unlocked. Runs left unfinished whose lock is free died (a SIGKILL, a
 * lost node): they are marked interrupted, so their progress no longer reads as running.
 */
async function startRun(db: TenantDb, actor: string, asOf: string) {
  const connection = await db.$client.reserve();
  try {
    const [run] = await connection<{ id: string }[]>`
      with r as (insert into billing_runs (as_of, started_by) values (${asOf}, ${actor}) returning id)
      select id, pg_advisory_lock(hashtextextended('billing_run:' || id::text, 0)) from r`;
    if (!run) throw new Error("insert returned nothing");
    for (const other of await connection<{ id: string }[]>`
        select id from billing_runs where finished_at is null and id <> ${run.id}`) {
      const key = `billing_run:${other.id}`;
      const [free] = await connection<{ locked: boolean }[]>`
        select pg_try_advisory_lock(hashtextextended(${key}, 0)) as locked`;
      if (!free?.locked) continue;
      await connection`
        update billing_runs set finished_at = now(),
               error = 'interrupted: the run stopped before it finished (its process was killed or lost)'
         where id = ${other.id} and finished_at is null`;
      await connection`select pg_advisory_unlock(hashtextextended(${key}, 0))`;
    }
    // The lock is the connection's: given back to the pool, it would outlive the run.
    const finish = async () => {
      await connection`select pg_advisory_unlock(hashtextextended(${`billing_run:${run.id}`}, 0))`;
      connection.release();
    };
    return { id: run.id, finish };
  } catch (error) {
    connection.release();
    throw error;
  }
}

/** Bills every active subscriber with a plan up to `asOf`, and marks what is past due overdue. */
export async function runBilling(db: TenantDb, actor: string, asOf = today()) {
  const run = await startRun(db, actor, asOf);
  let subscribers = 0;
  let made = 0;
  try {
    const { billingDay } = await settingsOf(db);
    let after = "00000000-0000-0000-0000-000000000000";
    for (;;) {
      const batch = await db.execute<Billable & Record<string, unknown>>(sql`${billable}
          left join billing_accounts a on a.subscriber_id = s.id
         where s.status = 'active' and s.id > ${after} and (a.billed_through is null or a.billed_through <= ${asOf})
         order by s.id limit ${BATCH}`);
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
  } finally {
    await run.finish();
  }
}
