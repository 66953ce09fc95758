/**
 * A replica killed at 20 points spread over an onboarding (SIGKILL of its whole process tree, as a
 * pod dies), a survivor taking over each time. What must hold at every point: the operation ends
 * succeeded or failed with a reason, the stack stays loadable (`pulumi stack export`), and a drift
 * check finds the cluster matching the state. Prints one table; exits non-zero if any point breaks.
 */
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { freePort, run } from "@dotmac/devkit";
import { crashTree, uniqueSuffix } from "@dotmac/devkit/testing";
import type { RunningApi } from "../src/server.ts";
import { signIn, startLiveEnvironment } from "../test/live.ts";

type Json = any;
const POINTS = 20;
const live = await startLiveEnvironment({ quiet: true });
let survivor: RunningApi = await live.startReplica({ LOG_LEVEL: "error", DOTMAC_LEASE_SECONDS: "6" });
const headers = await signIn(survivor.url);
const base = "/api/platform/v1";

async function call(url: string, path: string, init: RequestInit = {}): Promise<Json> {
  const res = await fetch(`${url}${base}${path}`, { ...init, headers });
  return res.json();
}
async function settle(url: string, operationId: string): Promise<Json> {
  for (;;) {
    const op = await call(url, `/operations/${operationId}`);
    if (["succeeded", "failed", "cancelled"].includes(op.status)) return op;
    await new Promise((r) => setTimeout(r, 250));
  }
}
const onboard = (url: string, slug: string) =>
  call(url, "/tenants", {
    method: "POST",
    body: JSON.stringify({ slug, displayName: `Crash ${slug}`, plan: "starter", seats: 2 }),
  });
async function loadable(slug: string): Promise<boolean> {
  const workDir = join(live.env.DOTMAC_WORKSPACES_DIR ?? "", `tenant-${slug}`);
  return run("pulumi", ["stack", "export", "--stack", `tenant-${slug}`], {
    cwd: workDir,
    env: live.env,
  }).then(
    () => true,
    () => false,
  );
}

// How long an onboarding takes here, so the kill points cover all of it.
const started = performance.now();
const first = await onboard(survivor.url, `crash-t-${uniqueSuffix()}`);
const timing = await settle(survivor.url, first.operationId);
if (timing.status !== "succeeded") throw new Error(`the timing run failed: ${timing.error}`);
const runMs = performance.now() - started;

const rows: string[][] = [];
let broken = 0;
try {
  for (let i = 1; i <= POINTS; i++) {
    const slug = `crash-${i}-${uniqueSuffix()}`;
    const killAt = (runMs * i) / (POINTS + 1);
    const port = await freePort();
    await survivor.stop();
    const doomed = await live.spawnReplica(port, {
      LOG_LEVEL: "error",
      DOTMAC_LEASE_SECONDS: "6",
      DOTMAC_WORKSPACES_DIR: `${live.env.DOTMAC_WORKSPACES_DIR}-doomed-${i}`,
    });
    const url = `http://127.0.0.1:${port}`;
    const accepted = await onboard(url, slug);
    await new Promise((r) => setTimeout(r, killAt));
    const exited = new Promise((r) => doomed.once("exit", r));
    await crashTree(doomed.pid ?? -1);
    await exited;
    survivor = await live.startReplica({ LOG_LEVEL: "error", DOTMAC_LEASE_SECONDS: "6" });
    const op = await settle(survivor.url, accepted.operationId);
    const ended = op.status === "succeeded" || (op.status === "failed" && Boolean(op.error));
    const isLoadable = op.status === "succeeded" ? await loadable(slug) : true;
    let drift = "-";
    let drifted = false;
    if (op.status === "succeeded") {
      const refresh = await call(survivor.url, `/tenants/${slug}/refresh`, { method: "POST" });
      const done = await settle(survivor.url, refresh.operationId);
      // A refresh counts every resource it found as it was under "same"; anything else is drift.
      const changes: Record<string, number> = done.result?.changes ?? {};
      const moved = Object.entries(changes).filter(([kind]) => kind !== "same");
      drifted = done.status !== "succeeded" || moved.length > 0;
      drift =
        done.status !== "succeeded"
          ? `refresh ${done.status}`
          : moved.length > 0
            ? JSON.stringify(Object.fromEntries(moved))
            : `none (${changes.same ?? 0} same)`;
    }
    const ok = ended && isLoadable && !drifted;
    if (!ok) broken++;
    rows.push([
      String(i),
      (killAt / 1000).toFixed(1),
      op.status,
      String(op.attempt),
      isLoadable ? "yes" : "**no**",
      drift,
      op.error ? String(op.error).split("\n")[0]?.slice(0, 60) : "",
    ]);
    const deleted = await call(survivor.url, `/tenants/${slug}?confirm=${slug}`, { method: "DELETE" });
    if (deleted.operationId) await settle(survivor.url, deleted.operationId);
  }
} finally {
  await survivor.stop().catch(() => {});
  await live.stop();
}

const machine = `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`;
console.log(
  `\nA replica killed at ${POINTS} points of an onboarding (${(runMs / 1000).toFixed(1)} s undisturbed; ${machine})`,
);
console.log(
  "| point | killed at s | outcome | attempts | stack loadable | drift after | error |\n| ---: | ---: | --- | ---: | --- | --- | --- |",
);
for (const row of rows) console.log(`| ${row.join(" | ")} |`);
console.log(broken === 0 ? "every point held" : `${broken} point(s) broke`);
if (broken > 0) process.exitCode = 1;
