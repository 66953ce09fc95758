import { answer, formatTime } from "@dotmac/ui";
import Link from "next/link";
import { redirect } from "next/navigation";
import { FleetForm } from "../../../components/fleet-form.tsx";
import { can, itemsOf, me, platform } from "../../../server/upstream.ts";

export default async function Fleet() {
  const who = await me();
  if (!can(who, "platform:fleet:write")) redirect("/tenants");
  const api = await platform();
  const [tenants, ops] = await Promise.all([
    answer(api.tenants.$get({ query: { limit: "100", status: "active" } })),
    answer(api.operations.$get({ query: { limit: "100" } })),
  ]);
  const rollouts = itemsOf(ops).filter((o) => o.kind === "fleet");
  return (
    <>
      <h2>Fleet rollout</h2>
      <FleetForm tenants={itemsOf(tenants).map((t) => ({ slug: t.slug, displayName: t.displayName }))} />
      <section className="card" aria-labelledby="recent">
        <h3 id="recent">Recent rollouts</h3>
        {rollouts.length === 0 ? (
          <p>None yet.</p>
        ) : (
          <ul>
            {rollouts.map((o) => (
              <li key={o.id}>
                <Link href={`/operations/${o.id}`}>{formatTime(o.createdAt)}</Link> · {o.status}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
