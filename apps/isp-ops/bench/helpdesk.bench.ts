/**
 * The helpdesk's staff routes through the built app over the 500,000-subscriber data set with
 * 100,000 tickets (most closed, as a tenant's history is; 3 % open, 2 % pending, a tenth of
 * those past due) and four messages each. Targets: a queue and a ticket page p95 <= 50 ms.
 * Prints one table.
 */
import { SUBSCRIBERS, seedDataSet, untimed } from "./data-set.ts";
import { load, machine, routeTable, serveAsAdmin } from "./http-load.ts";

const TICKETS = 100_000;

const { t, pg, key } = await seedDataSet();
const served = await serveAsAdmin(t, key);
try {
  const seeding = performance.now();
  const [bench] = await pg<{ id: string }[]>`select id from staff_users where email = 'bench@isp.test'`;
  await pg.begin(async (tx) => {
    await tx`set local statement_timeout = 0`;
    // Ticket i: the bench admin holds every tenth; the newest are the ones still open.
    await tx`
      insert into support_tickets (number, subscriber_id, subject, category, priority, status, assignee_id,
                                   opened_by_type, opened_by_id, created_at, updated_at, first_response_due_at,
                                   first_responded_at, resolution_due_at, resolution_left, resolved_at, closed_at)
      select 1000 + i, s.id, 'Ticket ' || i,
             (array['connectivity','speed','billing','installation','equipment','account','other'])[1 + i % 7],
             (array['low','normal','normal','high','urgent'])[1 + i % 5],
             st.status,
             case when i % 10 = 0 then ${bench?.id ?? null}::uuid when st.status in ('open', 'pending') and i % 3 = 0 then null
                  else ${bench?.id ?? null}::uuid end,
             'subscriber', s.id::text, at, at,
             at + interval '8 hours' - case when i % 10 = 1 then interval '30 days' else interval '0' end,
             case when st.status = 'open' and i % 2 = 0 then null else at + interval '1 hour' end,
             case when st.status = 'pending' then null else at + interval '3 days' end,
             case when st.status = 'pending' then interval '2 days' end,
             case when st.status in ('resolved', 'closed') then at + interval '1 day' end,
             case when st.status = 'closed' then at + interval '8 days' end
        from generate_series(1, ${TICKETS}) i
        cross join lateral (select now() - make_interval(mins => (${TICKETS} - i) * 5) as at) a
        cross join lateral (select case when i > ${TICKETS * 0.95} then
                                          case when i % 5 < 3 then 'open' else 'pending' end
                                        when i > ${TICKETS * 0.9} then 'resolved' else 'closed' end as status) st
        join subscribers s on s.account_number = 100001 + (i * 7919) % ${SUBSCRIBERS}`;
    await tx`
      insert into ticket_messages (ticket_id, author_type, author_id, body, internal, at)
      select tk.id, case when m % 2 = 1 then 'subscriber' else 'staff' end,
             case when m % 2 = 1 then tk.subscriber_id::text else ${bench?.id ?? ""} end,
             repeat('A line about the problem. ', 12), m = 4, tk.created_at + make_interval(mins => m * 10)
        from support_tickets tk cross join generate_series(1, 4) m`;
  });
  await pg`select setval('support_ticket_number', ${1000 + TICKETS})`;
  await untimed(pg, (c) => c`vacuum analyze support_tickets, ticket_messages`);
  const seedSeconds = (performance.now() - seeding) / 1000;

  const ids = (
    await pg<{ id: string }[]>`select id from support_tickets tablesample system (2) limit 2000`
  ).map((r) => r.id);
  const [busy] = await pg<
    { id: string }[]
  >`select subscriber_id as id from support_tickets limit 1 offset 777`;
  const pick = () => ids[Math.floor(Math.random() * ids.length)];
  const table = await routeTable(served.base, served.cookie, [
    ["queue: open", () => "/api/v1/tickets?queue=open"],
    ["queue: mine", () => "/api/v1/tickets?queue=mine"],
    ["queue: unassigned", () => "/api/v1/tickets?queue=unassigned"],
    ["queue: breached", () => "/api/v1/tickets?queue=breached"],
    ["queue: closed, page 100", () => `/api/v1/tickets?queue=closed&before=${1000 + TICKETS - 5_000}`],
    ["a subscriber's tickets", () => `/api/v1/tickets?subscriberId=${busy?.id}`],
    ["ticket page (thread, subscriber, invoices)", () => `/api/v1/tickets/${pick()}`],
    // The machine's speed drifts within an hour: a row of the subscribers benchmark, measured now.
    ["(for scale) subscribers, first page of 50", () => "/api/v1/subscribers"],
  ]);
  console.log(
    `\nHelpdesk routes over ${TICKETS.toLocaleString("en")} tickets and ${SUBSCRIBERS.toLocaleString("en")} subscribers, ${load} (${machine()}; tickets seeded in ${seedSeconds.toFixed(0)} s; targets: queue and ticket page p95 <= 50 ms)`,
  );
  console.log(table);
} finally {
  served.stop();
  await t.stop();
}
