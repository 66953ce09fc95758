"use client";

import type { StoredOperationEvent } from "@dotmac/contracts";
import { answer } from "@dotmac/ui";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { platform } from "./api.ts";
import { resourceRows } from "./resource-rows.ts";

const verbs: Record<string, [string, string]> = {
  create: ["creating", "created"],
  update: ["updating", "updated"],
  delete: ["deleting", "deleted"],
  replace: ["replacing", "replaced"],
  "create-replacement": ["replacing", "replaced"],
  same: ["checking", "unchanged"],
};

/**
 * An operation as it runs: the API's event stream (EventSource reconnects with Last-Event-ID;
 * a reload replays from the start), a row per resource, the engine's diagnostics, elapsed time,
 * and the outcome: the tenant's links, or the engine's message with a retry.
 */
export function LiveOperation({
  operationId,
  slug,
  initialStatus,
  startedAt,
  canRetry,
}: {
  operationId: string;
  slug: string | null;
  initialStatus: string;
  startedAt: string | null;
  canRetry: boolean;
}) {
  const router = useRouter();
  const [events, setEvents] = useState<StoredOperationEvent[]>([]);
  const [status, setStatus] = useState(initialStatus);
  const [error, setError] = useState<string | null>(null);
  const [outputs, setOutputs] = useState<Record<string, unknown> | null>(null);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const source = new EventSource(`/api/platform/v1/operations/${operationId}/events`);
    const add = (e: MessageEvent) => {
      const event = JSON.parse(e.data) as StoredOperationEvent;
      setEvents((all) => (all.some((x) => x.seq === event.seq) ? all : [...all, event]));
    };
    for (const type of ["status", "resource", "diagnostic", "policy", "summary"])
      source.addEventListener(type, add);
    source.addEventListener("end", async (e) => {
      source.close();
      const end = JSON.parse((e as MessageEvent).data) as { status: string };
      setStatus(end.status);
      const op = await answer(platform.operations[":id"].$get({ param: { id: operationId } }));
      if (op.ok) setError(op.body.error);
      if (slug && end.status === "succeeded") {
        const tenant = await answer(platform.tenants[":slug"].$get({ param: { slug } }));
        if (tenant.ok) setOutputs(tenant.body.outputs);
      }
    });
    return () => source.close();
  }, [operationId, slug]);

  const finished = ["succeeded", "failed", "cancelled"].includes(status);
  useEffect(() => {
    if (finished) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [finished]);

  const rows = useMemo(() => resourceRows(events), [events]);
  const done = rows.filter((r) => r.state !== "started").length;
  const logs = events.filter((e) => e.type === "diagnostic" || e.type === "policy" || e.type === "status");
  const first = startedAt ? Date.parse(startedAt) : events[0] ? Date.parse(events[0].createdAt) : now;
  const last = finished && events.length > 0 ? Date.parse(events[events.length - 1]?.createdAt ?? "") : now;
  const elapsed = Math.max(0, Math.round((last - first) / 1000));

  return (
    <>
      <p>
        Status: <strong data-testid="operation-status">{status}</strong> · elapsed {elapsed} s · {done} of{" "}
        {rows.length} resources
      </p>
      <progress
        max={Math.max(rows.length, 1)}
        value={finished && status === "succeeded" ? Math.max(rows.length, 1) : done}
        style={{ width: "100%" }}
        aria-label="Progress"
      />
      {status === "succeeded" && outputs ? (
        <section className="card" aria-labelledby="outputs-title">
          <h3 id="outputs-title">Live</h3>
          <ul>
            {typeof outputs.appUrl === "string" ? (
              <li>
                App: <a href={outputs.appUrl}>{outputs.appUrl}</a>
              </li>
            ) : null}
            {typeof outputs.grafanaUrl === "string" ? (
              <li>
                Grafana: <a href={outputs.grafanaUrl}>{outputs.grafanaUrl}</a>
              </li>
            ) : null}
            {typeof outputs.radiusEndpoint === "string" ? <li>RADIUS: {outputs.radiusEndpoint}</li> : null}
          </ul>
        </section>
      ) : null}
      {status === "failed" ? (
        <section className="card" role="alert">
          <h3>It failed</h3>
          <pre style={{ whiteSpace: "pre-wrap" }}>{error ?? "see the log below"}</pre>
          {canRetry ? (
            <button
              type="button"
              onClick={async () => {
                const res = await answer(
                  platform.operations[":id"].retry.$post({ param: { id: operationId } }),
                );
                if (res.ok) router.push(`/operations/${res.body.operationId}`);
              }}
            >
              Retry
            </button>
          ) : null}
        </section>
      ) : null}
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Resource</th>
            <th scope="col">Type</th>
            <th scope="col">State</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const [doing, did] = verbs[r.op] ?? [r.op, r.op];
            return (
              <tr key={r.urn}>
                <td>{r.name}</td>
                <td>
                  <code>{r.type}</code>
                </td>
                <td>{r.state === "failed" ? "failed" : r.state === "done" ? did : doing}</td>
                <td>{r.endedAt ? `${((r.endedAt - r.startedAt) / 1000).toFixed(1)} s` : "…"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h3>Log</h3>
      <pre className="card" style={{ maxHeight: 240, overflow: "auto", whiteSpace: "pre-wrap" }}>
        {logs
          .map(
            (e) =>
              `${e.createdAt.slice(11, 19)} ${e.type === "status" ? e.payload.status : (e.payload.message ?? "")}`,
          )
          .join("\n")}
      </pre>
    </>
  );
}
