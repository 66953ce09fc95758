import type { StoredOperationEvent } from "@dotmac/contracts";
import { describe, expect, it } from "vitest";
import { resourceRows } from "./resource-rows.ts";

const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 12, 0, s)).toISOString();
const resource = (
  seq: number,
  s: number,
  urn: string,
  op: string,
  state: "started" | "done" | "failed",
): StoredOperationEvent => ({
  seq,
  type: "resource",
  createdAt: at(s),
  payload: {
    urn,
    name: urn.split("::").at(-1) ?? urn,
    resourceType: "kubernetes:core/v1:Namespace",
    op,
    state,
  },
});

describe("the live page's resource rows", () => {
  const events: StoredOperationEvent[] = [
    { seq: 1, type: "status", createdAt: at(0), payload: { status: "running" } },
    resource(2, 1, "urn::ns", "create", "started"),
    resource(3, 2, "urn::quota", "create", "started"),
    resource(4, 4, "urn::ns", "create", "done"),
    resource(5, 5, "urn::unchanged", "same", "done"),
    resource(6, 9, "urn::quota", "create", "failed"),
  ];

  it("keeps one row per resource with its latest state and duration, leaving out unchanged ones", () => {
    expect(
      resourceRows(events).map((r) => [r.name, r.state, r.endedAt ? (r.endedAt - r.startedAt) / 1000 : null]),
    ).toEqual([
      ["ns", "done", 3],
      ["quota", "failed", 7],
    ]);
  });

  it("gives the same rows for a replay with duplicates and out of order (a reconnect)", () => {
    const replay = [...events.slice(3), ...events, events[1] as StoredOperationEvent].reverse();
    expect(resourceRows(replay)).toEqual(resourceRows(events));
  });

  it("shows a resource still in progress without an end", () => {
    expect(resourceRows(events.slice(0, 3)).map((r) => [r.name, r.state, r.endedAt])).toEqual([
      ["ns", "started", undefined],
      ["quota", "started", undefined],
    ]);
  });
});
