import { waitFor } from "@dotmac/devkit/testing";
import { operations } from "@dotmac/platform-db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine, EngineOptions } from "../src/engine/engine.ts";
import { RunFailure } from "../src/engine/run-failure.ts";
import type { RunRequest, RunResult, StackSettings } from "../src/engine/stack-runner.ts";
import { operationsOf, startTestDb, type TestDb, testEngine } from "./harness.ts";

/**
 * Deadlines and draining, with a runner that stands in for Pulumi: a run takes `takes` ms unless
 * interrupted, and an interrupted one takes a moment to wind down, as a cancelled `pulumi up` does.
 */
describe("deadlines and draining", () => {
  let t: TestDb;
  let ops: ReturnType<typeof operationsOf>;
  const engines: Engine[] = [];
  const takes = new Map<string, number>();
  const runs: { slug: string; recovering: boolean; interrupted: boolean }[] = [];

  const runner = async (_: StackSettings, req: RunRequest): Promise<RunResult> => {
    const run = { slug: req.spec.slug, recovering: req.recovering, interrupted: false };
    runs.push(run);
    const ms = req.recovering ? 100 : (takes.get(req.spec.slug) ?? 100);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      req.signal.addEventListener("abort", () => {
        clearTimeout(timer);
        run.interrupted = true;
        setTimeout(resolve, 300);
      });
    });
    if (run.interrupted) throw new RunFailure("cancelled");
    return { outputs: { namespace: `tenant-${req.spec.slug}` }, changes: { create: 1 } };
  };

  const engine = async (opts: Partial<EngineOptions> = {}) => {
    const e = testEngine(t, runner, opts);
    await e.start();
    engines.push(e);
    return e;
  };
  const running = (id: string) =>
    waitFor(
      `operation ${id} to run`,
      async () => ((await ops.row(id))?.status === "running" ? true : undefined),
      {
        intervalMs: 50,
      },
    );

  beforeAll(async () => {
    t = await startTestDb();
    ops = operationsOf(t.db);
  });
  afterAll(async () => {
    for (const e of engines) await e.stop().catch(() => {});
    await t?.stop();
  });

  it("cancels a run past its kind's deadline and fails the operation with that reason", async () => {
    takes.set("deadline-hung", 600_000);
    const e = await engine({ deadlines: { create: 1 } });
    const id = await ops.onboard("deadline-hung");
    await e.kick(id, "create");
    const done = await ops.ended(id);
    expect(done.status).toBe("failed");
    expect(done.error).toBe("exceeded the 1 s deadline of a create operation; the run was cancelled");
    expect(runs.find((r) => r.slug === "deadline-hung")?.interrupted).toBe(true);
    expect(await ops.messages(id)).toContain(done.error);
    await e.stop();
  });

  it("on stop, lets a run in flight finish within the grace before exiting", async () => {
    takes.set("drain-short", 1_500);
    const e = await engine({ shutdownGraceSeconds: 10 });
    const id = await ops.onboard("drain-short");
    await e.kick(id, "create");
    await running(id);
    await e.stop();
    expect(await ops.row(id)).toMatchObject({ status: "succeeded", attempt: 1, handedBack: 0 });
    expect(runs.find((r) => r.slug === "drain-short")?.interrupted).toBe(false);
  });

  it("hands back a run still going when the grace ends, spending no attempt; another replica finishes it", async () => {
    takes.set("drain-long", 600_000);
    const e = await engine({ shutdownGraceSeconds: 1 });
    const id = await ops.onboard("drain-long");
    await e.kick(id, "create");
    await running(id);
    const stopping = Date.now();
    await e.stop();
    // Back in line at once, not left `running` until its lease lapses.
    expect(Date.now() - stopping).toBeLessThan(5_000);
    expect(await ops.row(id)).toMatchObject({ status: "queued", attempt: 1, handedBack: 1 });
    expect(await ops.messages(id)).toContain(
      "handed back by a replica shutting down; another replica continues it (no attempt spent)",
    );

    await engine();
    const done = await ops.ended(id);
    expect(done).toMatchObject({ status: "succeeded", attempt: 2, handedBack: 1 });
    // The next attempt treats the stack as one a run was cut short on.
    expect(runs.filter((r) => r.slug === "drain-long").map((r) => r.recovering)).toEqual([false, true]);
  });

  it("counts a handed-back attempt against no limit when a later lease lapses", async () => {
    const id = await ops.onboard("drain-limit");
    // Two attempts, one of them handed back, and the replica of the second died (lease lapsed).
    await t.db
      .update(operations)
      .set({ status: "running", attempt: 2, handedBack: 1, leaseExpiresAt: new Date(Date.now() - 60_000) })
      .where(eq(operations.id, id));
    const e = await engine({ maxAttempts: 2 });
    const done = await ops.ended(id);
    expect(done).toMatchObject({ status: "succeeded", attempt: 3 });
    await e.stop();
  });
});
