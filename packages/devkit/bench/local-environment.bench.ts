/**
 * How long the local environment takes to come up, and how long a real `pulumi up` of the
 * proof program takes on it. Prints one table; `npm run bench` runs it.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileBackendUrl } from "@dotmac/contracts";
import { startCluster } from "../src/cluster/cluster.ts";
import { devkitEnv } from "../src/env.ts";
import { startPostgres } from "../src/postgres/server.ts";
import { run } from "../src/process.ts";
import { copyFixture, scratchDir, uniqueSuffix } from "../src/testing.ts";
import { ensureToolchain, pulumiEnv } from "../src/toolchain/toolchain.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const quiet = () => {};

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const started = performance.now();
  const result = await fn();
  return [performance.now() - started, result];
}

const rows: { what: string; samples: number[] }[] = [];
const record = (what: string, ms: number) => {
  const row = rows.find((r) => r.what === what) ?? rows[rows.push({ what, samples: [] }) - 1];
  row?.samples.push(ms);
};

const env = devkitEnv();
const [ensureMs, toolchain] = await time(() => ensureToolchain(env, quiet));
record("toolchain ensure (cached)", ensureMs);

for (let i = 0; i < RUNS; i++) {
  const dir = await mkdtemp(join(tmpdir(), "dotmac-bench-pg-"));
  const [initMs, pg] = await time(() => startPostgres({ dir, ephemeral: true }));
  record("embedded Postgres: initdb + start", initMs);
  await pg.stop();
  const [restartMs, again] = await time(() => startPostgres({ dir, ephemeral: true }));
  record("embedded Postgres: restart", restartMs);
  await again.stop();
  await rm(dir, { recursive: true, force: true });
}

const scratch = await scratchDir("bench");
try {
  for (let i = 0; i < RUNS; i++) {
    const dir = await mkdtemp(join(tmpdir(), "dotmac-bench-cluster-"));
    const [startMs, cluster] = await time(() => startCluster({ dir, toolchain, log: quiet }));
    record("cluster up (fresh: PKI, etcd, apiserver, controllers, KWOK node Ready)", startMs);

    const program = await copyFixture("proof", join(scratch.path, `run-${i}`));
    await mkdir(join(scratch.path, `state-${i}`), { recursive: true });
    const penv = pulumiEnv(toolchain, {
      PULUMI_BACKEND_URL: fileBackendUrl(join(scratch.path, `state-${i}`)),
      PULUMI_CONFIG_PASSPHRASE: `bench-${uniqueSuffix()}`,
      KUBECONFIG: cluster.kubeconfig,
    });
    const pulumi = (...args: string[]) =>
      run("pulumi", [...args, "--non-interactive"], { cwd: program, env: penv });
    await pulumi("stack", "init", "bench", "--secrets-provider", "passphrase");
    await pulumi("config", "set", "namespace", `bench-${uniqueSuffix()}`);
    const [upMs] = await time(() => pulumi("up", "--yes", "--skip-preview"));
    record("pulumi up: namespace + ConfigMap + Deployment (2 pods Available)", upMs);
    const [noopMs] = await time(() => pulumi("up", "--yes", "--skip-preview"));
    record("pulumi up: nothing to change", noopMs);
    const [destroyMs] = await time(() => pulumi("destroy", "--yes", "--skip-preview"));
    record("pulumi destroy (namespace finalised)", destroyMs);

    await cluster.stop();
    const [restartMs, restarted] = await time(() => startCluster({ dir, toolchain, log: quiet }));
    record("cluster up (restart on existing data)", restartMs);
    await restarted.stop();
    await rm(dir, { recursive: true, force: true });
  }
} finally {
  await scratch.remove();
}

const fmt = (ms: number) => (ms < 1000 ? `${ms.toFixed(0)} ms` : `${(ms / 1000).toFixed(2)} s`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
console.log(
  `\nlocal environment, ${RUNS} runs, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, ${new Date().toISOString().slice(0, 10)}\n`,
);
console.log("| step | median | min | max |");
console.log("| --- | ---: | ---: | ---: |");
for (const r of rows) {
  console.log(
    `| ${r.what} | ${fmt(median(r.samples))} | ${fmt(Math.min(...r.samples))} | ${fmt(Math.max(...r.samples))} |`,
  );
}
