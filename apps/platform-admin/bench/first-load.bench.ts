/**
 * First-load JavaScript per route of both web apps, gzipped (the seed's admin app loads 1.2 MB):
 * builds each, then adds up what a browser fetches for a route's first visit (the runtime, its
 * layouts' and page's chunks). Targets: at most 150 KB per route, 120 KB per route of isp-ops's
 * customer portal (subscribers on phones). Prints one table.
 */
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { firstLoadJs, repoRoot, run } from "@dotmac/devkit";

const target = (app: string, route: string) =>
  (app === "isp-ops" && route.startsWith("/portal") ? 120 : 150) * 1024;
const rows: string[] = [];
for (const app of ["isp-ops", "platform-admin"]) {
  const dir = join(repoRoot, "apps", app);
  await run("npx", ["next", "build"], { cwd: dir, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  for (const r of await firstLoadJs(dir)) {
    rows.push(
      `| ${app} | ${r.route} | ${r.files} | ${(r.gzipBytes / 1024).toFixed(1)} | ${(target(app, r.route) / 1024).toFixed(0)} | ${r.gzipBytes <= target(app, r.route) ? "yes" : "**no**"} |`,
    );
  }
}
console.log(
  `\nFirst-load JS per route, gzipped (${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; targets: 150 KB, the portal 120 KB)`,
);
console.log("| app | route | files | KB gz | target KB | within |\n| --- | --- | ---: | ---: | ---: | --- |");
for (const row of rows) console.log(row);
