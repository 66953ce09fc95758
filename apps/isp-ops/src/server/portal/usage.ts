import type { TenantDb } from "@dotmac/tenant-db";
import type { Customer } from "./customers.ts";

interface UsageRow {
  periodStart: string;
  periodEnd: string;
  capBytes: number | null;
  capMode: "hard" | "soft" | null;
  usedBytes: number;
  days: { day: string; downloadBytes: number; uploadBytes: number }[];
}

/**
 * The subscriber's traffic in the cap's period, day by day, and how much of the cap it used. The
 * period is the one the cap is counted over (`radius_standing`, migration 0001: the calendar
 * month, quarter or year of the plan's cycle), and a session counts on the day it began, as the
 * cap check counts it, so "reached" here is exactly when RADIUS starts refusing. Download is what
 * the NAS sent to the subscriber (Acct-Output-Octets). Every day of the period so far has a row.
 */
export async function portalUsage(db: TenantDb, customer: Customer) {
  const [row] = await db.$client<UsageRow[]>`
    with p as (
      select s.id, pl.data_cap_bytes, pl.cap_mode,
             date_trunc(case pl.billing_cycle when 'quarterly' then 'quarter' when 'yearly' then 'year'
                        else 'month' end, now()) as start,
             case pl.billing_cycle when 'quarterly' then interval '3 months' when 'yearly' then interval '1 year'
                  else interval '1 month' end as length
        from subscribers s left join service_plans pl on pl.id = s.plan_id
       where s.id = ${customer.id}
    ), daily as (
      select date_trunc('day', a.started_at) as day,
             sum(a.output_octets)::float8 as down, sum(a.input_octets)::float8 as up
        from accounting_sessions a, p
       where a.subscriber_id = p.id and a.started_at >= p.start
       group by 1
    )
    select to_char(p.start, 'YYYY-MM-DD') as "periodStart",
           to_char(p.start + p.length, 'YYYY-MM-DD') as "periodEnd",
           p.data_cap_bytes::float8 as "capBytes", p.cap_mode as "capMode",
           coalesce((select sum(down + up) from daily), 0)::float8 as "usedBytes",
           (select json_agg(json_build_object('day', to_char(g.day, 'YYYY-MM-DD'),
                                              'downloadBytes', coalesce(d.down, 0),
                                              'uploadBytes', coalesce(d.up, 0)) order by g.day)
              from generate_series(p.start, date_trunc('day', now()), interval '1 day') as g(day)
              left join daily d on d.day = g.day) as days
      from p`;
  if (!row) return undefined;
  return {
    ...row,
    days: row.days ?? [],
    capReached: row.capBytes !== null && row.capMode === "hard" && row.usedBytes >= row.capBytes,
  };
}
