/**
 * A month's billing run over the 500,000-subscriber data set, through the CLI a tenant's CronJob
 * runs (`dotmac-isp-ops billing-run`), then the invoice pages and PDFs through the built app's
 * HTTP routes. Every active subscriber is billed up to last month (the accounts say so), so the
 * run issues this month's invoice to each prepaid one and last month's, with its usage over the
 * cap, to each postpaid one; those activated this month get a prorated first invoice. Targets:
 * the run <= 10 min; again, it creates nothing in <= 1 min; invoice list and search p95 <= 50 ms;
 * an invoice PDF p95 <= 200 ms. Prints two tables.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { addMonthsOnDay, today } from "../src/server/billing/money.ts";
import { SUBSCRIBERS, seedDataSet, untimed } from "./data-set.ts";
import { load, machine, routeTable, serveAsAdmin } from "./http-load.ts";

const bin = fileURLToPath(new URL("../bin/dotmac-isp-ops.js", import.meta.url));
const asOf = today();
const month = addMonthsOnDay(asOf, 0, 1);

const { t, pg, key } = await seedDataSet();
await pg`update billing_settings set billing_day = 1`;
await pg`insert into tax_rates (name, basis_points, inclusive) values ('VAT', 2300, true)`;
// One plan in five is postpaid with a 100 GB cap and a price per GB over it.
await pg`update service_plans set billing_mode = 'postpaid', data_cap_bytes = 100e9, overage_per_gb_minor = 150
          where name = 'Fibre 50'`;
await pg`
  insert into billing_accounts (subscriber_id, anchor_day, billed_through)
  select s.id, 1, case p.billing_mode when 'prepaid' then ${month}::date else (${month}::date - interval '1 month')::date end
    from subscribers s join service_plans p on p.id = s.plan_id
   where s.status = 'active' and s.created_at < ${month}::date`;
// Last month's traffic of the postpaid subscribers (the data set's sessions are all from this
// month): one session of 110 GB each, over the 100 GB cap.
await pg`
  insert into accounting_sessions (nas_id, acct_session_id, subscriber_id, username, nas_ip, started_at,
                                   updated_at, stopped_at, session_seconds, input_octets, output_octets)
  select (select id from nas_clients order by name limit 1), 'last-month-' || s.account_number, s.id,
         'user' || (s.account_number - 100000), '10.0.1.1', ${month}::date - interval '10 days',
         ${month}::date - interval '9 days', ${month}::date - interval '9 days', 86400,
         60e9, 50e9
    from subscribers s join service_plans p on p.id = s.plan_id
   where p.billing_mode = 'postpaid' and s.status = 'active'`;
await pg`analyze billing_accounts, accounting_sessions`;

const billingRun = async () => {
  const started = performance.now();
  const child = spawn(process.execPath, [bin, "billing-run", asOf], {
    env: { ...process.env, DATABASE_URL: t.url, TENANT_SECRETS_KEY: key.toString("base64") },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let output = "";
  child.stdout.on("data", (d) => {
    output += d;
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  if (code !== 0) throw new Error(`billing-run exited ${code}: ${output}`);
  const result = JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as {
    subscribers: number;
    invoices: number;
  };
  return { seconds: (performance.now() - started) / 1000, ...result };
};

const served = await serveAsAdmin(t, key);
try {
  const first = await billingRun();
  const again = await billingRun();
  // What autovacuum does after a bulk insert this size, before staff open the pages.
  await untimed(pg, (c) => c`vacuum analyze invoices, invoice_lines, ledger_entries`);
  const [counts] = await pg<{ invoices: number; usage: number }[]>`
    select (select count(*)::int from invoices) as invoices,
           (select count(distinct invoice_id)::int from invoice_lines where kind = 'usage') as usage`;
  console.log(
    `\nBilling runs over ${SUBSCRIBERS.toLocaleString("en")} subscribers, as of ${asOf} (${machine()}; targets: run <= 600 s, again <= 60 s creating nothing)`,
  );
  console.log(
    "| run | s | subscribers | invoices made | per invoice ms |\n| --- | ---: | ---: | ---: | ---: |",
  );
  for (const [label, r] of [
    ["first", first],
    ["again", again],
  ] as const) {
    const per = r.invoices > 0 ? ((r.seconds * 1000) / r.invoices).toFixed(2) : "";
    console.log(`| ${label} | ${r.seconds.toFixed(1)} | ${r.subscribers} | ${r.invoices} | ${per} |`);
  }
  console.log(`(${counts?.invoices} invoices in the table, ${counts?.usage} with a usage line)`);

  const sample = await pg<{ id: string; number: string }[]>`
    select id, number from invoices tablesample system (1) limit 2000`;
  const [someone] = await pg<{ id: string }[]>`select subscriber_id as id from invoices limit 1 offset 12345`;
  const pick = () => sample[Math.floor(Math.random() * sample.length)] ?? { id: "", number: "" };
  const n = () => 1 + Math.floor(Math.random() * SUBSCRIBERS);
  const table = await routeTable(served.base, served.cookie, [
    ["invoices, first page of 50", () => "/api/v1/invoices"],
    ["invoices, page 200", () => "/api/v1/invoices?page=200"],
    ["invoices, status=issued", () => "/api/v1/invoices?status=issued&page=3"],
    ["invoices of one subscriber", () => `/api/v1/invoices?subscriberId=${someone?.id}`],
    ["search invoice number", () => `/api/v1/invoices?q=${pick().number}`],
    [
      'search name fragment ("hopper 12")',
      () => `/api/v1/invoices?q=${encodeURIComponent(`Hopper ${n() % 1000}`)}`,
    ],
    [
      "search full name",
      () => `/api/v1/invoices?q=${encodeURIComponent(`Grace Lovelace ${(n() % 50_000) * 10 + 1}`)}`,
    ],
    ["invoice page", () => `/api/v1/invoices/${pick().id}`],
    ["invoice PDF", () => `/api/v1/invoices/${pick().id}/pdf`],
  ]);
  console.log(
    `\nInvoice routes over ${counts?.invoices} invoices, ${load} (${machine()}; targets: list and search p95 <= 50 ms, PDF p95 <= 200 ms)`,
  );
  console.log(table);
} finally {
  served.stop();
  await t.stop();
}
