/**
 * GET /tenants (a page of 50 over 10,000 tenants, token auth) through the real HTTP server and
 * the embedded Postgres, loaded with autocannon. Target: >= 2,000 req/s with p99 <= 25 ms on
 * 2 cores. Prints one table.
 */
import { cpus, totalmem } from "node:os";
import { serve } from "@hono/node-server";
import autocannon from "autocannon";
import { sql } from "drizzle-orm";
import { startTestDb, testApp, userWith } from "../test/harness.ts";

const t = await startTestDb();
try {
  await t.db.execute(sql`
    insert into tenants (slug, display_name, plan, status, spec, outputs, created_at)
    select 'bench-' || i, 'Bench ISP ' || i,
           (array['starter','professional','enterprise'])[1 + i % 3],
           (array['active','active','active','suspended','failed'])[1 + i % 5],
           jsonb_build_object('slug', 'bench-' || i, 'seats', 10, 'plan', 'starter'),
           jsonb_build_object('namespace', 'tenant-bench-' || i, 'appUrl', 'https://bench-' || i || '.isp.dotmac.io'),
           now() - make_interval(secs => i)
      from generate_series(1, 10000) as i`);
  await t.db.execute(sql`
    insert into operations (tenant_id, kind, status, requested_by, created_at, finished_at)
    select id, 'create', 'succeeded', 'system', created_at, created_at from tenants`);
  await t.db.execute(sql`analyze`);
  const { app } = testApp(t.db);
  const reader = await userWith(t.db, ["platform:tenants:read"]);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const run = (path: string, connections: number) =>
    autocannon({
      url: `http://127.0.0.1:${port}${path}`,
      connections,
      duration: 10,
      headers: reader.auth,
    });
  await run("/api/platform/v1/tenants?limit=50", 4); // warm-up
  const rows: string[][] = [];
  for (const [label, path] of [
    ["first page of 50", "/api/platform/v1/tenants?limit=50"],
    [
      "filtered (status=active, plan=professional)",
      "/api/platform/v1/tenants?limit=50&status=active&plan=professional",
    ],
    ["search q=bench-99", "/api/platform/v1/tenants?limit=50&q=bench-99"],
  ] as const) {
    const r = await run(path, 16);
    rows.push([
      label,
      String(Math.round(r.requests.average)),
      r.latency.p50.toFixed(1),
      r.latency.p99.toFixed(1),
      String(r.non2xx),
    ]);
  }
  server.close();
  const machine = `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`;
  console.log(
    `\nGET /tenants over 10,000 tenants, 16 connections x 10 s (${machine}; target >= 2000 req/s, p99 <= 25 ms)`,
  );
  console.log("| query | req/s | p50 ms | p99 ms | non-2xx |\n| --- | ---: | ---: | ---: | ---: |");
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
} finally {
  await t.stop();
}
