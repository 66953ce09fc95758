import type { TenantDb } from "@dotmac/tenant-db";
import { addMonthsOnDay, today } from "./money.ts";

/** The receivables buckets, by days past due: not yet due, then up to 30, 60, 90 and beyond. */
export const agingBuckets = ["current", "1-30", "31-60", "61-90", "90+"] as const;

const MONTHS = 6;

/**
 * The billing dashboard's figures as of `on`, all in minor units of the tenant's currency:
 * - MRR: what active subscribers' plans bring in a month (a quarterly plan counts a third);
 * - per calendar month (the last six): invoiced (invoices less their credit notes) and collected
 *   (payments less refunds);
 * - receivables: what is open on issued invoices, by days past due;
 * - collection rate: of what the last six months invoiced, the share paid so far.
 */
export async function billingOverview(db: TenantDb, on = today()) {
  const pg = db.$client;
  const thisMonth = `${on.slice(0, 8)}01`;
  const first = addMonthsOnDay(thisMonth, -(MONTHS - 1), 1);
  const [[mrr], months, aging, [rate]] = await Promise.all([
    pg<{ mrr: number; subscribers: number }[]>`
      select coalesce(round(sum(p.price_minor::numeric /
               case p.billing_cycle when 'quarterly' then 3 when 'yearly' then 12 else 1 end)), 0)::float8 as mrr,
             count(*)::int as subscribers
        from subscribers s join service_plans p on p.id = s.plan_id
       where s.status = 'active'`,
    pg<{ month: string; invoiced: number; collected: number }[]>`
      with m as (select generate_series(${first}::date, ${thisMonth}::date, interval '1 month')::date as month)
      select to_char(m.month, 'YYYY-MM') as month,
             coalesce((select sum(case i.kind when 'credit_note' then -i.total_minor else i.total_minor end)
                         from invoices i
                        where i.status <> 'void' and i.status <> 'draft'
                          and i.issued_at >= m.month and i.issued_at < m.month + interval '1 month'), 0)::float8 as invoiced,
             (coalesce((select sum(p.amount_minor) from payments p
                         where p.received_at >= m.month and p.received_at < m.month + interval '1 month'), 0)
              - coalesce((select sum(r.amount_minor) from refunds r
                         where r.at >= m.month and r.at < m.month + interval '1 month'), 0))::float8 as collected
        from m order by m.month`,
    pg<{ bucket: (typeof agingBuckets)[number]; open: number; invoices: number }[]>`
      with open as (
        select i.id, ${on}::date - i.due_on as late,
               i.total_minor
                 - coalesce((select sum(a.amount_minor) from payment_allocations a where a.invoice_id = i.id), 0)
                 - coalesce((select sum(c.total_minor) from invoices c
                              where c.credits_invoice_id = i.id and c.status <> 'void'), 0) as open
          from invoices i
         where i.kind = 'invoice' and i.status in ('issued', 'partially_paid', 'overdue'))
      select case when late <= 0 then 'current' when late <= 30 then '1-30' when late <= 60 then '31-60'
                  when late <= 90 then '61-90' else '90+' end as bucket,
             sum(open)::float8 as open, count(*)::int as invoices
        from open where open > 0 group by 1`,
    pg<{ invoiced: number; paid: number }[]>`
      with billed as (
        select i.id, i.total_minor
                 - coalesce((select sum(c.total_minor) from invoices c
                              where c.credits_invoice_id = i.id and c.status <> 'void'), 0) as due
          from invoices i
         where i.kind = 'invoice' and i.status not in ('void', 'draft') and i.issued_at >= ${first}::date)
      select coalesce(sum(due), 0)::float8 as invoiced,
             coalesce((select sum(a.amount_minor) from payment_allocations a join billed b on b.id = a.invoice_id), 0)::float8 as paid
        from billed`,
  ]);
  const this_ = months.at(-1);
  return {
    asOf: on,
    mrrMinor: mrr?.mrr ?? 0,
    activeSubscribers: mrr?.subscribers ?? 0,
    thisMonth: { invoicedMinor: this_?.invoiced ?? 0, collectedMinor: this_?.collected ?? 0 },
    months: months.map((m) => ({ month: m.month, invoicedMinor: m.invoiced, collectedMinor: m.collected })),
    receivables: agingBuckets.map((bucket) => {
      const row = aging.find((a) => a.bucket === bucket);
      return { bucket, openMinor: row?.open ?? 0, invoices: row?.invoices ?? 0 };
    }),
    /** Null before anything was invoiced. */
    collectionRate: rate && rate.invoiced > 0 ? Math.min(1, rate.paid / rate.invoiced) : null,
  };
}
