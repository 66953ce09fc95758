import type { BillingCycle, BillingMode } from "@dotmac/contracts";
import { billingAccounts, billingRuns, invoices, type TenantDb, type TenantTx } from "@dotmac/tenant-db";
import { and, eq, inArray, lt, sql } from "drizzle-orm";
import { createInvoices, type DraftLine } from "./invoices.ts";
import { settingsOf } from "./ledger.ts";
import { type Period, periodContaining, prorate, today } from "./money.ts";
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

/** A period of one subscriber that is due: [from, to) within its cycle's `period`. */
interface Due {
  readonly s: Billable;
  readonly segment: number;
  readonly from: string;
  readonly to: string;
  readonly period: Period;
}

/**
 * The periods of an account due by `asOf` from where it is billed through: a prepaid period once
 * it has started, a postpaid one once it has ended (or, with `stopOn`, its days before that day).
 */
function duePeriods(
  s: Billable,
  account: { anchorDay: number; billedThrough: string; segment: number },
  asOf: string,
  stopOn: string | undefined,
): Due[] {
  const due: Due[] = [];
  let from = account.billedThrough;
  for (;;) {
    const period = periodContaining(from, account.anchorDay, s.cycle);
    let to = period.end;
    if (s.mode === "prepaid") {
      if (from > asOf) break;
    } else if (stopOn !== undefined && stopOn < period.end) {
      if (from >= stopOn) break;
      to = stopOn;
    } else if (period.end > asOf) break;
    due.push({ s, segment: account.segment, from, to, period });
    from = to;
  }
  return due;
}

/** The plan's line of a due period: the whole price, or the part of it for the days billed. */
function planLine({ s, from, to, period }: Due): DraftLine {
  return from === period.start && to === period.end
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
      };
}

/**
 * The usage lines of postpaid periods whose plan charges over a cap, in GB begun over it: the
 * octets of the sessions that started in the period (a session counts in the period it began, as
 * the cap check counts it). One query for all of them.
 */
async function usageLines(tx: TenantTx, due: readonly Due[]): Promise<Map<Due, DraftLine>> {
  const capped = due.filter(
    (d) => d.s.mode === "postpaid" && d.s.capBytes !== null && d.s.overagePerGbMinor !== null,
  );
  const lines = new Map<Due, DraftLine>();
  if (capped.length === 0) return lines;
  const rows = await tx.execute<{ k: number; used: string }>(sql`
    select d.k, coalesce(sum(a.input_octets + a.output_octets), 0)::text as used
      from jsonb_to_recordset(${JSON.stringify(capped.map((d, k) => ({ k, sid: d.s.id, f: d.from, t: d.to })))}::jsonb)
             as d(k int, sid uuid, f date, t date)
      left join accounting_sessions a on a.subscriber_id = d.sid and a.started_at >= d.f and a.started_at < d.t
     group by d.k`);
  for (const row of rows) {
    const d = capped[row.k];
    if (!d || d.s.capBytes === null || d.s.overagePerGbMinor === null) continue;
    const over = Number(row.used) - d.s.capBytes;
    if (over <= 0) continue;
    const gb = Math.ceil(over / GB);
    lines.set(d, {
      kind: "usage",
      description: `Data over the ${d.s.capBytes / GB} GB cap, ${d.from} to ${d.to}: ${gb} GB`,
      quantity: gb,
      unitMinor: d.s.overagePerGbMinor,
    });
  }
  return lines;
}

/**
 * Invoices every period of these subscribers that is due by `asOf` and not billed yet, in the
 * caller's transaction: their accounts are locked in id order (so concurrent runs queue instead
 * of deadlocking), the invoices are made with their numbers in the same transaction, so a run
 * killed at any moment leaves whole batches and no gap in the numbering; run again, it carries on
 * where it stopped. `stopOn` ends the service that day: a postpaid subscriber's days before it are
 * billed now. Returns how many invoices it made.
 */
export async function billSubscribers(
  tx: TenantTx,
  subjects: readonly Billable[],
  billingDay: number | null,
  asOf: string,
  actor: string,
  stopOn?: string,
): Promise<number> {
  if (subjects.length === 0) return 0;
  const ids = subjects.map((s) => s.id);
  await tx
    .insert(billingAccounts)
    .values(
      subjects.map((s) => ({
        subscriberId: s.id,
        anchorDay: billingDay ?? Number(s.activeSince.slice(8, 10)),
        billedThrough: s.activeSince,
      })),
    )
    .onConflictDoNothing();
  const accounts = new Map(
    (
      await tx
        .select()
        .from(billingAccounts)
        .where(inArray(billingAccounts.subscriberId, ids))
        .orderBy(billingAccounts.subscriberId)
        .for("update")
    ).map((a) => [a.subscriberId, a]),
  );
  // The unique (subscriber, segment, period start) index makes a second invoice impossible; what
  // a period's invoice exists for already is skipped (a run that stopped between the two writes).
  const billed = new Set(
    (
      await tx.execute<{ key: string }>(sql`
        select i.subscriber_id || '/' || i.segment || '/' || i.period_start as key
          from invoices i join billing_accounts a on a.subscriber_id = i.subscriber_id and a.segment = i.segment
         where i.subscriber_id in ${ids} and i.kind = 'invoice' and i.status <> 'void'
           and i.period_start >= a.billed_through`)
    ).map((r) => r.key),
  );
  const due = subjects.flatMap((s) => {
    const account = accounts.get(s.id);
    if (!account) throw new Error(`no billing account for ${s.id}`);
    return duePeriods(s, account, asOf, stopOn);
  });
  const fresh = due.filter((d) => !billed.has(`${d.s.id}/${d.segment}/${d.from}`));
  const usage = await usageLines(tx, fresh);
  await createInvoices(
    tx,
    fresh.map((d) => {
      const extra = usage.get(d);
      return {
        subscriberId: d.s.id,
        currency: d.s.currency,
        lines: extra ? [planLine(d), extra] : [planLine(d)],
        period: { start: d.from, end: d.to },
        cycle: { segment: d.segment, priceMinor: d.s.priceMinor, start: d.period.start },
        actor,
      };
    }),
  );
  const through = new Map(due.map((d) => [d.s.id, d.to]));
  if (through.size > 0) {
    await tx.execute(sql`
      update billing_accounts a set billed_through = d.t
        from jsonb_to_recordset(${JSON.stringify([...through].map(([sid, t]) => ({ sid, t })))}::jsonb) as d(sid uuid, t date)
       where a.subscriber_id = d.sid`);
  }
  // Credit from an overpayment pays the new invoices.
  const invoiced = [...new Set(fresh.map((d) => d.s.id))];
  if (invoiced.length > 0) {
    const withCredit = await tx.execute<{ id: string }>(sql`
      select distinct p.subscriber_id as id from payments p
       where p.subscriber_id in ${invoiced}
         and p.amount_minor > coalesce((select sum(a.amount_minor) from payment_allocations a where a.payment_id = p.id), 0)
                            + coalesce((select sum(r.amount_minor) from refunds r where r.payment_id = p.id), 0)`);
    for (const { id } of withCredit) await allocate(tx, id);
  }
  return fresh.length;
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
      made += await db.transaction((tx) => billSubscribers(tx, batch, billingDay, asOf, actor));
      subscribers += batch.length;
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
