/**
 * The subscribers list, search and detail pages' data through the real HTTP routes of the built
 * app (`next build`, `dotmac-isp-ops serve`), over 500,000 subscribers and 5,000,000 accounting
 * sessions in the embedded Postgres. Targets: seeding <= 2 min; list and search p95 <= 50 ms;
 * detail with usage p95 <= 100 ms. Prints one table.
 */
import { randomBytes } from "node:crypto";
import { cpus, totalmem } from "node:os";
import { StaffPermission } from "@dotmac/contracts";
import { serveBuiltApp } from "@dotmac/devkit/testing";
import { SecretBox } from "@dotmac/tenant-db";
import { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { createStaff } from "../src/server/staff.ts";

const SUBSCRIBERS = 500_000;
const SESSIONS = 5_000_000;
const DURATION_MS = 8_000;
const CONCURRENCY = 4;

const t = await startTenantDatabase();
const pg = t.db.$client;
const key = randomBytes(32);
const box = new SecretBox(key);

const seeding = performance.now();
// Bulk load as pg_restore would: our own rows name their NAS and subscriber, so the radacct
// trigger has nothing to add; the search indexes are built once after the rows are in.
await pg.begin(async (tx) => {
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
// What autovacuum would have done by the time a tenant has this much data (visibility map
// for index-only scans, statistics for the planner).
await pg`vacuum analyze`;
const seedSeconds = (performance.now() - seeding) / 1000;

await createStaff(t.db, {
  email: "bench@isp.test",
  displayName: "Bench",
  password: "bench-password-1",
  role: "admin",
  permissions: [...StaffPermission.options],
});
const served = await serveBuiltApp({
  app: "isp-ops",
  bin: "dotmac-isp-ops.js",
  readyPath: "/api/readyz",
  env: { DATABASE_URL: t.url, TENANT_SECRETS_KEY: key.toString("base64"), ISP_OPS_METRICS_PORT: "0" },
});
const base = served.url;

try {
  const login = await fetch(`${base}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "bench@isp.test", password: "bench-password-1" }),
  });
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const ids = (await pg<{ id: string }[]>`select id from subscribers tablesample system (1) limit 2000`).map(
    (r) => r.id,
  );
  const [plan] = await pg<{ id: string }[]>`select id from service_plans where name = 'Fibre 300'`;
  const n = () => 1 + Math.floor(Math.random() * SUBSCRIBERS);

  /** CONCURRENCY callers for DURATION_MS, each waiting for its answer before the next request. */
  const measure = async (path: () => string) => {
    const latencies: number[] = [];
    let failed = 0;
    const until = performance.now() + DURATION_MS;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (performance.now() < until) {
          const started = performance.now();
          const res = await fetch(`${base}${path()}`, { headers: { cookie } });
          await res.arrayBuffer();
          if (res.ok) latencies.push(performance.now() - started);
          else failed++;
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const pct = (p: number) =>
      (latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0).toFixed(1);
    return [
      String(Math.round(latencies.length / (DURATION_MS / 1000))),
      pct(0.5),
      pct(0.95),
      pct(0.99),
      String(failed),
    ];
  };
  const cases: [string, () => string][] = [
    ["list, first page of 50", () => "/api/v1/subscribers"],
    ["list, page 200", () => "/api/v1/subscribers?page=200"],
    ["list, status=suspended & plan", () => `/api/v1/subscribers?status=suspended&planId=${plan?.id}`],
    [
      'search name fragment ("hopper 12")',
      () => `/api/v1/subscribers?q=${encodeURIComponent(`Hopper ${n() % 1000}`)}`,
    ],
    ["search username", () => `/api/v1/subscribers?q=user${n()}`],
    ["search account number", () => `/api/v1/subscribers?q=${100000 + n()}`],
    [
      "search phone",
      () => `/api/v1/subscribers?q=${encodeURIComponent(`+353 1 ${String(n()).padStart(7, "0")}`)}`,
    ],
    [
      "search framed IP (online)",
      () =>
        `/api/v1/subscribers?q=100.64.${Math.floor(Math.random() * 76)}.${Math.floor(Math.random() * 256)}`,
    ],
    [
      "detail with usage, sessions, history",
      () => `/api/v1/subscribers/${ids[Math.floor(Math.random() * ids.length)]}`,
    ],
  ];
  await measure(cases[0]?.[1] ?? (() => "/api/v1/subscribers")); // warm-up
  const rows: string[][] = [];
  for (const [label, path] of cases) rows.push([label, ...(await measure(path))]);
  const machine = `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`;
  console.log(
    `\nisp-ops HTTP routes over ${SUBSCRIBERS.toLocaleString("en")} subscribers and ${SESSIONS.toLocaleString("en")} sessions, ${CONCURRENCY} callers, ${DURATION_MS / 1000} s per row (${machine}; seeding took ${seedSeconds.toFixed(0)} s; targets: seeding <= 120 s, list/search p95 <= 50 ms, detail p95 <= 100 ms)`,
  );
  console.log(
    "| route | req/s | p50 ms | p95 ms | p99 ms | errors |\n| --- | ---: | ---: | ---: | ---: | ---: |",
  );
  for (const r of rows) console.log(`| ${r.join(" | ")} |`);
} finally {
  served.stop();
  await t.stop();
}
