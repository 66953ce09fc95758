import { forwardTcp, waitFor } from "@dotmac/devkit/testing";
import { createPlatformDb, operations } from "@dotmac/platform-db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../src/engine/engine.ts";
import { RunFailure } from "../src/engine/run-failure.ts";
import type { RunRequest, RunResult, StackSettings } from "../src/engine/stack-runner.ts";
import { operationsOf, startTestDb, type TestDb, testEngine } from "./harness.ts";

const LEASE_SECONDS = 3;

/**
 * One run per stack, whatever happens to the replica running it: fenced by the attempt number
 * (renewals, events and the finish of an attempt that lost the operation change nothing), stopped
 * by its own watchdog when it cannot renew its lease, and followed by the next attempt only once
 * its session (and the stack's advisory lock with it) has ended. A recording runner stands in for
 * Pulumi: the first attempt runs until it is stopped, then takes a moment to wind down, as a
 * `pulumi up` interrupted with SIGINT does.
 */
describe("fencing: one run per stack", () => {
  let t: TestDb;
  let ops: ReturnType<typeof operationsOf>;
  const engines: Engine[] = [];
  const runs: { slug: string; attempt: number; start: number; end: number; stoppedAt?: number }[] = [];

  const runner = async (_: StackSettings, req: RunRequest): Promise<RunResult> => {
    const run: (typeof runs)[number] = {
      slug: req.spec.slug,
      attempt: req.recovering ? 2 : 1,
      start: Date.now(),
      end: 0,
    };
    runs.push(run);
    if (!req.recovering) {
      await new Promise<void>((resolve) => req.signal.addEventListener("abort", () => resolve()));
      run.stoppedAt = Date.now();
      await new Promise((r) => setTimeout(r, 1_000));
      req.onEvent({ type: "status", payload: { status: "running", message: "late word from attempt 1" } });
      run.end = Date.now();
      throw new RunFailure("cancelled");
    }
    await new Promise((r) => setTimeout(r, 200));
    run.end = Date.now();
    return { outputs: { namespace: `tenant-${req.spec.slug}` }, changes: { create: 1 } };
  };

  const engine = async (databaseUrl: string, db = t.db) => {
    const e = testEngine(t, runner, { db, databaseUrl, concurrency: 1, leaseSeconds: LEASE_SECONDS });
    await e.start();
    engines.push(e);
    return e;
  };
  const until = <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000) =>
    waitFor(what, check, { timeoutMs, intervalMs: 50 });

  beforeAll(async () => {
    t = await startTestDb();
    ops = operationsOf(t.db);
  });
  afterAll(async () => {
    for (const e of engines) await e.stop().catch(() => {});
    await t?.stop();
  });

  it("stops an attempt that lost its operation; the next waits for it, and its late writes are refused", async () => {
    const a = await engine(t.url);
    const id = await ops.onboard("fence-taken");
    await a.kick(id, "create");
    const first = await until("attempt 1 to run", async () => runs.find((r) => r.slug === "fence-taken"));

    // What a replica does to a lease it saw lapse: back in line, then another replica claims it.
    await t.db
      .update(operations)
      .set({ status: "queued", leaseExpiresAt: null })
      .where(eq(operations.id, id));
    const b = await engine(t.url);
    await b.kick(id, "create");

    const done = await ops.ended(id);
    expect(done).toMatchObject({ status: "succeeded", attempt: 2 });
    const second = runs.find((r) => r.slug === "fence-taken" && r.attempt === 2);
    // Never two runs on the stack: the second began only after the first had wound down.
    expect(second?.start).toBeGreaterThanOrEqual(first.end);
    expect(first.stoppedAt).toBeDefined();
    const said = await ops.messages(id);
    expect(said).not.toContain("late word from attempt 1");
    expect(said).toContain("waiting for an earlier attempt on this stack to end");
    expect(said.filter((m) => m === "cancelled on request")).toEqual([]);
    for (const e of [a, b]) await e.stop();
    engines.length = 0;
  });

  it("stops a run cut off from the database before its lease ends; another replica then finishes it", async () => {
    const pg = new URL(t.url);
    const cut = await forwardTcp("127.0.0.1", { host: pg.hostname, port: Number(pg.port) });
    const viaProxy = new URL(t.url);
    viaProxy.port = String(cut.port);
    const partitioned = createPlatformDb(viaProxy.toString(), { max: 4 });
    const a = await engine(viaProxy.toString(), partitioned.db);
    const id = await ops.onboard("fence-cut");
    await a.kick(id, "create");
    const first = await until("attempt 1 to run", async () => runs.find((r) => r.slug === "fence-cut"));
    // A renewal or two, then the network goes.
    await new Promise((r) => setTimeout(r, LEASE_SECONDS * 1000));
    await cut.close();
    const leaseEnd = (await ops.row(id))?.leaseExpiresAt?.getTime() ?? 0;
    await until("attempt 1 to stop itself", async () => first.stoppedAt, LEASE_SECONDS * 2000);
    expect(first.stoppedAt).toBeLessThan(leaseEnd);
    // Nothing reached the database after the cut: the lease it last renewed is the one it had.
    expect((await ops.row(id))?.leaseExpiresAt?.getTime()).toBe(leaseEnd);

    await engine(t.url);
    const done = await ops.ended(id);
    expect(done).toMatchObject({ status: "succeeded", attempt: 2 });
    const second = runs.find((r) => r.slug === "fence-cut" && r.attempt === 2);
    expect(second?.start).toBeGreaterThanOrEqual(first.end);
    expect(await ops.messages(id)).not.toContain("late word from attempt 1");
    await a.stop().catch(() => {});
    await partitioned.close().catch(() => {});
  }, 60_000);
});
