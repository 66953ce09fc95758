/**
 * First-load JavaScript per route of both web apps, gzipped (the seed's admin app loads 1.2 MB):
 * builds each, then adds up what a browser fetches for a route's first visit (the runtime, its
 * layouts' and page's chunks). Target: at most 150 KB per route. Prints one table.
 */
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { firstLoadJs, repoRoot, run } from "@dotmac/devkit";

const TARGET = 150 * 1024;
const rows: string[] = [];
for (const app of ["isp-ops", "platform-admin"]) {
  const dir = join(repoRoot, "apps", app);
  await run("npx", ["next", "build"], { cwd: dir, env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
  for (const r of await firstLoadJs(dir)) {
    rows.push(
      `| ${app} | ${r.route} | ${r.files} | ${(r.gzipBytes / 1024).toFixed(1)} | ${r.gzipBytes <= TARGET ? "yes" : "**no**"} |`,
    );
  }
}
console.log(
  `\nFirst-load JS per route, gzipped (${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB; target <= 150 KB)`,
);
console.log("| app | route | files | KB gz | within target |\n| --- | --- | ---: | ---: | --- |");
for (const row of rows) console.log(row);
