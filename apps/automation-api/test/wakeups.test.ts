import { operationEvents, operations } from "@dotmac/platform-db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operationWakeups } from "../src/services/wakeups.ts";
import { startTestDb, type TestDb } from "./harness.ts";

/** What follows an operation (SSE streams, a preview's wait) is woken by Postgres, not by polling. */
describe("operation wakeups", () => {
  let t: TestDb;
  const newOperation = async () => {
    const [op] = await t.db.insert(operations).values({ kind: "preview", requestedBy: "system" }).returning();
    if (!op) throw new Error("no operation");
    return op.id;
  };

  beforeAll(async () => {
    t = await startTestDb();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("wakes a follower at the operation's next event and its next status, not at another operation's", async () => {
    const [mine, other] = [await newOperation(), await newOperation()];
    const follower = await operationWakeups(t.db).follow(mine);
    try {
      // Nothing happens to this operation: the wait ends by its timeout.
      const quiet = follower.next(300);
      await t.db.insert(operationEvents).values({ operationId: other, seq: 1, type: "status", payload: {} });
      expect(await quiet).toBe(false);

      const onEvent = follower.next(60_000);
      await t.db.insert(operationEvents).values({ operationId: mine, seq: 1, type: "status", payload: {} });
      expect(await onEvent).toBe(true);

      const onStatus = follower.next(60_000);
      await t.db.update(operations).set({ status: "running" }).where(eq(operations.id, mine));
      expect(await onStatus).toBe(true);
    } finally {
      follower.close();
    }
  });

  it("counts a change that comes while the follower is busy, so its next wait returns at once", async () => {
    const id = await newOperation();
    const follower = await operationWakeups(t.db).follow(id);
    const watcher = await operationWakeups(t.db).follow(id);
    try {
      // The second follower waits for the change; once it has it, the first has it counted too.
      const seen = watcher.next(60_000);
      await t.db.insert(operationEvents).values({ operationId: id, seq: 1, type: "status", payload: {} });
      expect(await seen).toBe(true);
      expect(await follower.next(60_000)).toBe(true);
    } finally {
      follower.close();
      watcher.close();
    }
  });
});
