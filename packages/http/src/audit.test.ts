import { describe, expect, it } from "vitest";
import { auditor } from "./audit.ts";

describe("auditor", () => {
  it("writes one row per record through the API's own insert: who as the API stores it, absent fields as null", async () => {
    const rows: unknown[] = [];
    const audit = auditor<unknown[], string, { requestId: string | null }>({
      insert: async (into, row) => void into.push(row),
      who: (actor) =>
        actor === "system"
          ? { actorType: "system", actorId: "system" }
          : { actorType: "user", actorId: actor },
    });
    await audit(
      rows,
      "u-1",
      { action: "tenant.suspend", targetType: "tenant", targetId: "t-1", after: { x: 1 } },
      { requestId: "r-1" },
    );
    await audit(rows, "system", { action: "tenant.retry", targetType: "tenant" }, { requestId: null });
    expect(rows).toEqual([
      {
        actorType: "user",
        actorId: "u-1",
        action: "tenant.suspend",
        targetType: "tenant",
        targetId: "t-1",
        before: null,
        after: { x: 1 },
        requestId: "r-1",
      },
      {
        actorType: "system",
        actorId: "system",
        action: "tenant.retry",
        targetType: "tenant",
        targetId: null,
        before: null,
        after: null,
        requestId: null,
      },
    ]);
  });
});
