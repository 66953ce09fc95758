/**
 * The subscribers list, search and detail pages' data through the real HTTP routes of the built
 * app (`next build`, `dotmac-isp-ops serve`), over the 500,000-subscriber data set. Targets:
 * seeding <= 2 min; list and search p95 <= 50 ms; detail with usage p95 <= 100 ms. Prints one table.
 */
import { SESSIONS, SUBSCRIBERS, seedDataSet } from "./data-set.ts";
import { load, machine, routeTable, serveAsAdmin } from "./http-load.ts";

const { t, pg, key, seedSeconds } = await seedDataSet();
const served = await serveAsAdmin(t, key);
const { base, cookie } = served;

try {
  const ids = (await pg<{ id: string }[]>`select id from subscribers tablesample system (1) limit 2000`).map(
    (r) => r.id,
  );
  const [plan] = await pg<{ id: string }[]>`select id from service_plans where name = 'Fibre 300'`;
  const n = () => 1 + Math.floor(Math.random() * SUBSCRIBERS);

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
  const table = await routeTable(base, cookie, cases);
  console.log(
    `\nisp-ops HTTP routes over ${SUBSCRIBERS.toLocaleString("en")} subscribers and ${SESSIONS.toLocaleString("en")} sessions, ${load} (${machine()}; seeding took ${seedSeconds.toFixed(0)} s; targets: seeding <= 120 s, list/search p95 <= 50 ms, detail p95 <= 100 ms)`,
  );
  console.log(table);
} finally {
  served.stop();
  await t.stop();
}
