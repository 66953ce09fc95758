import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { freePort } from "@dotmac/devkit";
import { processesCarrying, uniqueSuffix, waitFor } from "@dotmac/devkit/testing";
import { createPlatformDb, operations } from "@dotmac/platform-db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveEnvironment, signIn, startLiveEnvironment } from "./live.ts";

/**
 * No process of a run outlives the replica that started it: the real engine (the Pulumi CLI, our
 * language host, the Kubernetes provider, the policy pack) under a replica that is killed outright
 * or told to stop. Each replica carries a variable of its own, which everything it starts inherits,
 * so its processes are found even after they were re-parented.
 */
describe("no process outlives its engine", () => {
  let live: LiveEnvironment;
  let platformDb: ReturnType<typeof createPlatformDb>;

  beforeAll(async () => {
    live = await startLiveEnvironment();
    platformDb = createPlatformDb(live.database.url, { max: 2 });
  });
  afterAll(async () => {
    await platformDb?.close();
    await live?.stop();
  });

  /** A replica in a process of its own, and an onboarding it is in the middle of. */
  async function replicaMidRun(extra: Record<string, string> = {}) {
    const id = randomUUID();
    const mark = `DOTMAC_TEST_REPLICA=${id}`;
    const port = await freePort();
    const replica = await live.spawnReplica(port, { DOTMAC_TEST_REPLICA: id, ...extra });
    const url = `http://127.0.0.1:${port}`;
    const res = await fetch(`${url}/api/platform/v1/tenants`, {
      method: "POST",
      headers: await signIn(url),
      body: JSON.stringify({
        slug: `orphan-${uniqueSuffix()}`,
        displayName: "Orphan",
        plan: "starter",
        seats: 2,
      }),
    });
    expect(res.status).toBe(202);
    const { operationId } = (await res.json()) as { operationId: string };
    // The engine is well into the run once the Kubernetes provider serves it.
    await waitFor(
      "the run's Kubernetes provider",
      async () =>
        (await processesCarrying(mark)).some((p) => /pulumi-resource-kubernetes/.test(p.command))
          ? true
          : undefined,
      { timeoutMs: 180_000, intervalMs: 200 },
    );
    return { replica, mark, operationId };
  }

  const gone = (mark: string, timeoutMs: number) =>
    waitFor(
      "every process of the run to end",
      async () => {
        const left = await processesCarrying(mark);
        if (left.length > 0)
          throw new Error(`still running: ${left.map((p) => `${p.pid} ${p.command}`).join("; ")}`);
        return true;
      },
      { timeoutMs, intervalMs: 200 },
    );

  /** How the replica ended: its exit code, or the signal that ended it. */
  const exited = (child: ChildProcess) =>
    new Promise<string>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null)
        resolve(child.signalCode ?? `exit ${child.exitCode}`);
      else child.once("exit", (code, signal) => resolve(signal ?? `exit ${code}`));
    });

  it("ends every process of a run within seconds when its replica is killed with SIGKILL", async () => {
    const { replica, mark } = await replicaMidRun();
    const before = await processesCarrying(mark);
    expect(before.map((p) => p.command).join("\n")).toMatch(/pulumi-language-nodejs|dotmac-api/);
    // Only the API's own process, as when it crashes on a host: its children are not told.
    replica.kill("SIGKILL");
    await exited(replica);
    await gone(mark, 15_000);
  }, 300_000);

  it("on SIGTERM hands the run back and exits, leaving no process behind; a survivor finishes it", async () => {
    const { replica, mark, operationId } = await replicaMidRun({ DOTMAC_SHUTDOWN_GRACE_SECONDS: "1" });
    replica.kill("SIGTERM");
    expect(await exited(replica)).toBe("exit 0");
    await gone(mark, 10_000);
    const [handedBack] = await platformDb.db.select().from(operations).where(eq(operations.id, operationId));
    expect(handedBack).toMatchObject({ status: "queued", attempt: 1, handedBack: 1 });

    const survivor = await live.startReplica();
    const done = await waitFor(
      "the survivor to finish the onboarding",
      async () => {
        const [op] = await platformDb.db.select().from(operations).where(eq(operations.id, operationId));
        return op && ["succeeded", "failed", "cancelled"].includes(op.status) ? op : undefined;
      },
      { timeoutMs: 240_000, intervalMs: 500 },
    );
    expect(done, done.error ?? "").toMatchObject({ status: "succeeded", attempt: 2 });
    await survivor.stop();
  }, 600_000);
});
