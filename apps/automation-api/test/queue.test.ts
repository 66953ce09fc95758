import { operations, tenants } from "@dotmac/platform-db";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Engine } from "../src/engine/engine.ts";
import { RunFailure } from "../src/engine/run-failure.ts";
import type { RunRequest, RunResult, StackSettings } from "../src/engine/stack-runner.ts";
import { jsonHeaders, startTestDb, type TestDb, testApp, testEngine, userWith } from "./harness.ts";

/**
 * The queue and its rules with two engines (two replicas) on one real database and pg-boss.
 * Stacks are not deployed here: a recording runner stands in for the Pulumi run, so these tests
 * can look at scheduling alone (what runs when, where, how many at once). The real runner is
 * exercised in engine.test.ts.
 */
describe("operations queue across replicas", () => {
  let t: TestDb;
  let engines: Engine[];
  const runs: { slug: string; kind: string; start: number; end: number }[] = [];
  const failFor = new Set<string>();

  const recordingRunner = async (_: StackSettings, req: RunRequest): Promise<RunResult> => {
    const start = performance.now();
    await new Promise((r) => setTimeout(r, 150));
    runs.push({ slug: req.spec.slug, kind: req.kind, start, end: performance.now() });
    if (failFor.has(req.spec.slug)) throw new RunFailure(`${req.spec.slug}: the engine said no`);
    return { outputs: { namespace: `tenant-${req.spec.slug}` }, changes: { update: 1 } };
  };

  beforeAll(async () => {
    t = await startTestDb();
    engines = [0, 1].map(() => testEngine(t, recordingRunner));
    for (const e of engines) await e.start();
  });
  afterAll(async () => {
    for (const e of engines ?? []) await e.stop();
    await t?.stop();
  });

  const settle = async (ids: string[]) => {
    for (let i = 0; i < 400; i++) {
      const rows = await t.db.select().from(operations).where(inArray(operations.id, ids));
      if (rows.every((r) => ["succeeded", "failed", "cancelled"].includes(r.status))) return rows;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("operations did not finish");
  };

  it("runs each stack's operations one at a time and in order, while stacks run in parallel", async () => {
    const { app } = testApp(t.db);
    const kick = (id: string) => engines[0]?.kick(id, "create");
    const admin = await userWith(t.db, ["platform:admin"]);
    const post = (path: string, json?: unknown) =>
      app.request(`/api/platform/v1${path}`, {
        method: json === undefined ? "POST" : path.includes("/tenants/") ? "PATCH" : "POST",
        headers: jsonHeaders(admin.auth),
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      });
    const ids: string[] = [];
    for (const slug of ["q-one", "q-two", "q-three"]) {
      const res = await post("/tenants", { slug, displayName: slug, plan: "starter", seats: 2 });
      ids.push(((await res.json()) as { operationId: string }).operationId);
    }
    for (const id of ids) await kick(id);
    const created = await settle(ids);
    expect(created.map((o) => o.status)).toEqual(["succeeded", "succeeded", "succeeded"]);

    // Three changes to one tenant, asked for back to back: they run in that order, never together.
    const changes: string[] = [];
    for (const seats of [3, 4, 5]) {
      const res = await post("/tenants/q-one", { seats });
      const id = ((await res.json()) as { operationId: string }).operationId;
      changes.push(id);
      await kick(id);
    }
    const done = await settle(changes);
    expect(done.every((o) => o.status === "succeeded")).toBe(true);
    const order = done
      .sort((a, b) => (a.startedAt as Date).getTime() - (b.startedAt as Date).getTime())
      .map((o) => o.id);
    expect(order).toEqual(changes);
    const oneRuns = runs.filter((r) => r.slug === "q-one").sort((a, b) => a.start - b.start);
    for (let i = 1; i < oneRuns.length; i++) {
      expect(oneRuns[i]?.start).toBeGreaterThanOrEqual(oneRuns[i - 1]?.end ?? Number.POSITIVE_INFINITY);
    }
    const [tenant] = await t.db.select().from(tenants).where(eq(tenants.slug, "q-one"));
    expect(tenant).toMatchObject({ status: "active", outputs: { namespace: "tenant-q-one" } });
  });

  it("keeps a rollout within its parallelism and stops it at the first failure when asked", async () => {
    const { app } = testApp(t.db);
    const admin = await userWith(t.db, ["platform:admin"]);
    const slugs = ["r-a", "r-b", "r-c", "r-d", "r-e", "r-f"];
    const creates: string[] = [];
    for (const slug of slugs) {
      const res = await app.request("/api/platform/v1/tenants", {
        method: "POST",
        headers: jsonHeaders(admin.auth),
        body: JSON.stringify({ slug, displayName: slug, plan: "starter", seats: 2 }),
      });
      const id = ((await res.json()) as { operationId: string }).operationId;
      creates.push(id);
      await engines[1]?.kick(id, "create");
    }
    await settle(creates);
    runs.length = 0;

    const rollout = async (body: unknown) => {
      const res = await app.request("/api/platform/v1/fleet/rollouts", {
        method: "POST",
        headers: jsonHeaders(admin.auth),
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(202);
      const id = ((await res.json()) as { operationId: string }).operationId;
      await engines[0]?.kick(id, "fleet");
      const [parent] = await settle([id]);
      return parent;
    };

    const all = await rollout({
      images: { ispOps: "registry.dotmac.io/dotmac/isp-ops:2.0.0" },
      tenants: slugs,
      parallelism: 2,
    });
    expect(all).toMatchObject({ status: "succeeded", result: { total: 6, succeeded: 6 } });
    const overlapping = (at: number) => runs.filter((r) => r.start <= at && at < r.end).length;
    expect(Math.max(...runs.map((r) => overlapping(r.start)))).toBeLessThanOrEqual(2);
    const [child] = await t.db.select().from(tenants).where(eq(tenants.slug, "r-d"));
    if (!child) throw new Error("no tenant r-d");
    expect((child.spec as { images: { ispOps: string } }).images.ispOps).toBe(
      "registry.dotmac.io/dotmac/isp-ops:2.0.0",
    );

    failFor.add("r-a");
    const stopped = await rollout({
      plan: "professional",
      tenants: slugs,
      parallelism: 1,
      stopOnFailure: true,
    });
    failFor.clear();
    const result = stopped?.result as { failed: number; skipped: number; succeeded: number };
    expect(stopped?.status).toBe("failed");
    expect(result.failed).toBe(1);
    expect(result.succeeded + result.failed + result.skipped).toBe(6);
    // r-a is named first, fails, and nothing after it starts.
    expect(result).toMatchObject({ succeeded: 0, skipped: 5 });
  });
});
