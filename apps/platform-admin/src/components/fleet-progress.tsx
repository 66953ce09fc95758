"use client";

import type { Operation } from "@dotmac/contracts";
import { answer, StatusBadge } from "@dotmac/ui";
import Link from "next/link";
import { useEffect, useState } from "react";
import { platform } from "./api.ts";

/** A fleet rollout's tenants as they go: each child operation's status, refreshed until all end. */
export function FleetProgress({ parentId, slugs }: { parentId: string; slugs: Record<string, string> }) {
  const [children, setChildren] = useState<Operation[]>([]);
  useEffect(() => {
    let stop = false;
    const load = async () => {
      const res = await answer(platform.operations.$get({ query: { parent: parentId, limit: "100" } }));
      if (!res.ok || stop) return;
      const mine = res.body.items;
      setChildren(mine);
      const running =
        mine.length === 0 || mine.some((o) => !["succeeded", "failed", "cancelled"].includes(o.status));
      if (running) setTimeout(load, 2000);
    };
    void load();
    return () => {
      stop = true;
    };
  }, [parentId]);
  const done = children.filter((c) => c.finishedAt).length;
  return (
    <section className="card" aria-labelledby="fleet-title">
      <h3 id="fleet-title">
        Tenants: {done} of {children.length} finished
      </h3>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Tenant</th>
            <th scope="col">Status</th>
            <th scope="col">Took</th>
          </tr>
        </thead>
        <tbody>
          {children.map((c) => (
            <tr key={c.id}>
              <td>
                <Link href={`/operations/${c.id}`}>{(c.tenantId && slugs[c.tenantId]) ?? c.tenantId}</Link>
              </td>
              <td>
                <StatusBadge status={c.status} />
              </td>
              <td>
                {c.startedAt && c.finishedAt
                  ? `${Math.round((Date.parse(c.finishedAt) - Date.parse(c.startedAt)) / 1000)} s`
                  : "…"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
