/** The built isp-ops app served over a data set, and closed-loop callers measuring its routes. */
import { cpus, totalmem } from "node:os";
import { StaffPermission } from "@dotmac/contracts";
import { serveBuiltApp } from "@dotmac/devkit/testing";
import type { startTenantDatabase } from "@dotmac/tenant-db/testing";
import { createStaff } from "../src/server/staff.ts";

const DURATION_MS = 8_000;
const CONCURRENCY = 4;

export const machine = () => `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`;
export const load = `${CONCURRENCY} callers, ${DURATION_MS / 1000} s per row`;

/** `next build`'s app on the tenant database, and an admin's session cookie. */
export async function serveAsAdmin(t: Awaited<ReturnType<typeof startTenantDatabase>>, key: Buffer) {
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
  const login = await fetch(`${served.url}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "bench@isp.test", password: "bench-password-1" }),
  });
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  return { base: served.url, cookie, stop: () => served.stop() };
}

/** Who calls: one session, or a session picked per request (many subscribers in the portal). */
export type Caller = string | (() => string);

/**
 * CONCURRENCY callers for DURATION_MS, each waiting for its answer before the next request:
 * req/s, p50, p95 and p99 in ms, and how many failed.
 */
export async function measure(base: string, caller: Caller, path: () => string): Promise<string[]> {
  const latencies: number[] = [];
  let failed = 0;
  const until = performance.now() + DURATION_MS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const started = performance.now();
        const cookie = typeof caller === "string" ? caller : caller();
        // A redirect (to a sign-in page, say) is a failure, not a fast answer.
        const res = await fetch(`${base}${path()}`, { headers: { cookie }, redirect: "manual" });
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
}

/** The rows of `cases` measured one after another (after a warm-up), as a Markdown table. */
export async function routeTable(
  base: string,
  cookie: Caller,
  cases: readonly (readonly [string, () => string] | readonly [string, () => string, Caller])[],
) {
  const first = cases[0];
  if (first) await measure(base, first[2] ?? cookie, first[1]);
  const rows: string[] = [
    "| route | req/s | p50 ms | p95 ms | p99 ms | errors |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const [label, path, caller] of cases)
    rows.push(`| ${[label, ...(await measure(base, caller ?? cookie, path))].join(" | ")} |`);
  return rows.join("\n");
}
