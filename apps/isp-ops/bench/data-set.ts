/**
 * The data set isp-ops's benchmarks run over: 500,000 subscribers on five plans (80 % active)
 * with their RADIUS credentials, 20 NAS and 5,000,000 accounting sessions in the embedded
 * Postgres, loaded as pg_restore would, then vacuumed and analysed.
 */
import { randomBytes } from "node:crypto";
import { SecretBox } from "@dotmac/crypto/secret-box";
import type { TenantDb } from "@dotmac/tenant-db";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";

export const SUBSCRIBERS = 500_000;
export const SESSIONS = 5_000_000;

export async function seedDataSet() {
  const t = await startTenantDatabase();
  const pg = t.db.$client;
  const key = randomBytes(32);
  const box = new SecretBox(key);

  const seeding = performance.now();
  // Our own rows name their NAS and subscriber, so the radacct trigger has nothing to add; the
  // search indexes are built once after the rows are in.
  await pg.begin(async (tx) => {
    // Past the pool's 30 s statement timeout, which is for requests, not for a bulk load.
    await tx`set local statement_timeout = 0`;
    await tx`set local session_replication_role = replica`;
    await tx`drop index subscribers_name_trgm`;
    await tx`insert into service_plans (name, download_kbps, upload_kbps, price_minor, currency)
             select 'Fibre ' || n, n * 1000, n * 200, n * 10, 'EUR' from unnest(array[50, 100, 300, 500, 1000]) n`;
    await tx`insert into nas_clients (name, network, secret_encrypted)
             select 'bng-' || i, ('10.0.' || i || '.1/32')::cidr, ${box.seal("unused", "bench")}::bytea
               from generate_series(1, 20) i`;
    await tx`
      insert into subscribers (account_number, name, email, phone, service_address, status, plan_id, created_at)
      select 100000 + i,
             (array['Ada','Grace','Alan','Edsger','Barbara','Donald','Margaret','Linus','Ken','Radia'])[1 + i % 10]
               || ' ' || (array['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth','Hamilton','Torvalds','Thompson','Perlman'])[1 + (i / 10) % 10]
               || ' ' || i,
             'user' || i || '@mail.example', '+353 1 ' || lpad(i::text, 7, '0'), i || ' Fibre Street',
             (array['active','active','active','active','active','active','active','active','suspended','pending'])[1 + i % 10],
             (select id from service_plans order by name offset (i % 5) limit 1),
             now() - make_interval(mins => i)
        from generate_series(1, ${SUBSCRIBERS}) i`;
    await tx`
      insert into radius_credentials (subscriber_id, username, password_encrypted)
      select id, 'user' || (account_number - 100000), ${box.seal("bench-password", "bench")}::bytea from subscribers`;
    await tx`
      insert into accounting_sessions (nas_id, acct_session_id, subscriber_id, username, nas_ip, framed_ip,
                                       started_at, updated_at, stopped_at, session_seconds, input_octets, output_octets)
      select n.id, 's' || g, s.id, 'user' || (s.account_number - 100000), host(n.network)::inet,
             ('100.64.0.0'::inet + (g % 4000000)),
             now() - make_interval(hours => (g / ${SUBSCRIBERS})::int * 7),
             now() - make_interval(hours => (g / ${SUBSCRIBERS})::int * 7) + interval '1 hour',
             case when g <= ${SESSIONS - SUBSCRIBERS / 10} then now() - make_interval(hours => (g / ${SUBSCRIBERS})::int * 7) + interval '1 hour' end,
             3600, (g % 997)::bigint * 1000000, (g % 991)::bigint * 5000000
        from generate_series(1, ${SESSIONS}) g
        join subscribers s on s.account_number = 100001 + (g % ${SUBSCRIBERS})
        join nas_clients n on n.name = 'bng-' || (1 + g % 20)`;
    await tx`create index subscribers_name_trgm on subscribers using gin (name gin_trgm_ops)`;
  });
  await pg`select setval('subscriber_account_number', ${100000 + SUBSCRIBERS})`;
  // What autovacuum would have done by the time a tenant has this much data (visibility map for
  // index-only scans, statistics for the planner).
  await untimed(pg, (c) => c`vacuum analyze`);
  return { t, pg, key, seedSeconds: (performance.now() - seeding) / 1000 };
}

type Sql = TenantDb["$client"];
type Reserved = Awaited<ReturnType<Sql["reserve"]>>;

/** A statement that may run past the pool's statement timeout (vacuum cannot run in a transaction). */
export async function untimed<T>(pg: Sql, statement: (c: Reserved) => Promise<T>): Promise<T> {
  const c = await pg.reserve();
  try {
    await c`set statement_timeout = 0`;
    return await statement(c);
  } finally {
    await c`reset statement_timeout`;
    c.release();
  }
}
