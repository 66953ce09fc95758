/**
 * A fleet rollout of a new isp-ops image to 20 tenants through the API, at parallelism 1 and 4,
 * on the real engine (the seed quotes 30-60 minutes for 50 tenants by hand). Prints one table.
 */
import { cpus, totalmem } from "node:os";
import { signIn, startLiveEnvironment } from "../test/live.ts";

const TENANTS = 20;
const live = await startLiveEnvironment({ nodes: 4, quiet: true });
const api = await live.startReplica({ LOG_LEVEL: "error", DOTMAC_API_CONCURRENCY: "4" });
const headers = await signIn(api.url);
const base = `${api.url}/api/platform/v1`;

async function settle(operationId: string): Promise<{ status: string; error: string | null }> {
  for (;;) {
    const op = (await (await fetch(`${base}/operations/${operationId}`, { headers })).json()) as {
      status: string;
      error: string | null;
    };
    if (["succeeded", "failed", "cancelled"].includes(op.status)) return op;
    await new Promise((r) => setTimeout(r, 250));
  }
}

const rows: string[][] = [];
try {
  const onboarded = performance.now();
  const ops = await Promise.all(
    Array.from({ length: TENANTS }, async (_, i) => {
      const res = await fetch(`${base}/tenants`, {
        method: "POST",
        headers,
        body: JSON.stringify({ slug: `fleet-${i}`, displayName: `Fleet ${i}`, plan: "starter", seats: 5 }),
      });
      return ((await res.json()) as { operationId: string }).operationId;
    }),
  );
  for (const op of ops) {
    const done = await settle(op);
    if (done.status !== "succeeded") throw new Error(`onboarding failed: ${done.error}`);
  }
  rows.push([
    `onboard ${TENANTS} tenants (engine concurrency 4)`,
    ((performance.now() - onboarded) / 1000).toFixed(0),
  ]);
  for (const [parallelism, tag] of [
    [1, "1.1.0"],
    [4, "1.2.0"],
  ] as const) {
    const started = performance.now();
    const res = await fetch(`${base}/fleet/rollouts`, {
      method: "POST",
      headers,
      body: JSON.stringify({ images: { ispOps: `registry.dotmac.io/dotmac/isp-ops:${tag}` }, parallelism }),
    });
    const { operationId } = (await res.json()) as { operationId: string };
    const done = await settle(operationId);
    if (done.status !== "succeeded") throw new Error(`rollout failed: ${done.error}`);
    rows.push([
      `roll isp-ops:${tag} out to ${TENANTS} tenants, parallelism ${parallelism}`,
      ((performance.now() - started) / 1000).toFixed(0),
    ]);
  }
} finally {
  await api.stop();
  await live.stop();
}
const machine = `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`;
console.log(`\nFleet through the automation API on the real engine (${machine})`);
console.log("| what | wall time s |\n| --- | ---: |");
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
