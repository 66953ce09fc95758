import type { TenantDb } from "@dotmac/tenant-db";

/** The dashboard's numbers, and subscribers by status and sign-ups per day for its charts. */
export async function dashboardStats(db: TenantDb) {
  const pg = db.$client;
  const [[counts], [traffic], signups] = await Promise.all([
    pg`select count(*) filter (where status = 'active')::int as active,
              count(*) filter (where status = 'suspended')::int as suspended,
              count(*) filter (where status = 'pending')::int as pending,
              count(*) filter (where created_at >= date_trunc('month', now()))::int as "newThisMonth"
         from subscribers`,
    pg`select (select count(*)::int from accounting_sessions where stopped_at is null) as online,
              coalesce(sum(input_octets + output_octets), 0)::float8 as "bytesToday"
         from accounting_sessions where started_at >= date_trunc('day', now())`,
    pg`select to_char(d, 'YYYY-MM-DD') as day,
              (select count(*)::int from subscribers s
                where s.created_at >= d and s.created_at < d + interval '1 day') as n
         from generate_series(date_trunc('day', now()) - interval '13 days', date_trunc('day', now()), interval '1 day') d`,
  ]);
  return {
    active: counts?.active ?? 0,
    suspended: counts?.suspended ?? 0,
    pending: counts?.pending ?? 0,
    newThisMonth: counts?.newThisMonth ?? 0,
    online: traffic?.online ?? 0,
    bytesToday: traffic?.bytesToday ?? 0,
    signups: signups.map((s) => ({ day: s.day as string, n: s.n as number })),
  };
}
