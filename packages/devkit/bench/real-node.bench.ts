/**
 * The real node: `cluster up` with it (binaries and images cached), and a starter tenant's stack
 * deployed onto it until every Deployment on the node is Ready by its probes (what onboarding
 * waits for). Goals: cluster up ≤ 20 s; the tenant ≤ 30 s (the design document quotes 5–10
 * minutes per onboarding). Prints one table; `npm run bench` runs it. Needs root.
 */
import { cpus, totalmem } from "node:os";
import { configureRealNodeTenant, scratchProject, startLocalPlatform, uniqueSuffix } from "../src/testing.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const quiet = () => {};
const samples = { clusterUp: [] as number[], tenant: [] as number[], destroy: [] as number[] };

for (let i = 0; i < RUNS; i++) {
  let started = performance.now();
  const platform = await startLocalPlatform({ postgres: true, realNode: true, log: quiet });
  samples.clusterUp.push(performance.now() - started);
  const project = await scratchProject(platform, { prefix: "bench-node" });
  try {
    const pulumi = (...args: string[]) => project.pulumi(...args);
    const stack = await configureRealNodeTenant(platform, project, {
      slug: `bench-${uniqueSuffix()}`,
      tenantId: crypto.randomUUID(),
      displayName: "Bench Fibre",
      plan: "starter",
      seats: 5,
      nasCidrs: ["192.0.2.0/24"],
    });
    started = performance.now();
    await pulumi("up", "--yes", "--skip-preview", "-s", stack);
    samples.tenant.push(performance.now() - started);
    started = performance.now();
    await pulumi("destroy", "--yes", "--skip-preview", "-s", stack);
    samples.destroy.push(performance.now() - started);
  } finally {
    await project.remove();
    await platform.stop();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rows = [
  ["cluster up with the real node (cached), Postgres for pods", samples.clusterUp, "≤ 20 s"],
  ["starter tenant: pulumi up until its pods are Ready on the node", samples.tenant, "≤ 30 s"],
  ["starter tenant: pulumi destroy", samples.destroy, ""],
] as const;
console.log(
  `\nReal node (${RUNS} runs, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${new Date().toISOString().slice(0, 10)})\n`,
);
console.log("| step | median | min | max | goal |\n| --- | ---: | ---: | ---: | --- |");
for (const [what, xs, goal] of rows) {
  console.log(`| ${what} | ${s(median(xs))} | ${s(Math.min(...xs))} | ${s(Math.max(...xs))} | ${goal} |`);
}
