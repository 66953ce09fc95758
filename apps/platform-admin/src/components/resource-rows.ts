import type { StoredOperationEvent } from "@dotmac/contracts";

export interface ResourceRow {
  urn: string;
  name: string;
  type: string;
  op: string;
  state: "started" | "done" | "failed";
  startedAt: number;
  endedAt?: number;
}

/**
 * The live page's table: one row per resource the run touches (unchanged ones left out), in the
 * order they started, with the latest state and how long the step took. Replays and duplicates
 * (the same seq twice after a reconnect) give the same rows.
 */
export function resourceRows(events: readonly StoredOperationEvent[]): ResourceRow[] {
  const byUrn = new Map<string, ResourceRow>();
  const seen = new Set<number>();
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    if (e.type !== "resource" || seen.has(e.seq)) continue;
    seen.add(e.seq);
    const p = e.payload;
    const at = Date.parse(e.createdAt);
    const row: ResourceRow = byUrn.get(p.urn) ?? {
      urn: p.urn,
      name: p.name,
      type: p.resourceType,
      op: p.op,
      state: p.state,
      startedAt: at,
    };
    row.state = p.state;
    row.op = p.op;
    if (p.state !== "started") row.endedAt = at;
    byUrn.set(p.urn, row);
  }
  return [...byUrn.values()].filter((r) => r.op !== "same");
}
