import { effectiveFeatures, type TenantSpec, tiers } from "@dotmac/contracts";
import { answer, formatTime, StatusBadge } from "@dotmac/ui";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AdminInvitation } from "../../../../components/admin-invitation.tsx";
import { NasNetworksForm } from "../../../../components/nas-networks-form.tsx";
import { TenantActions } from "../../../../components/tenant-actions.tsx";
import { can, itemsOf, me, platform } from "../../../../server/upstream.ts";

export default async function TenantPage({ params }: { params: Promise<{ slug: string }> }) {
  const who = await me();
  const { slug } = await params;
  const api = await platform();
  const tenant = await answer(api.tenants[":slug"].$get({ param: { slug } }));
  if (!tenant.ok) notFound();
  const t = tenant.body;
  const ops = await answer(api.operations.$get({ query: { tenant: slug, limit: "20" } }));
  const outputs = (t.outputs ?? {}) as Record<string, unknown>;
  return (
    <>
      <p>
        <Link href="/tenants">← Tenants</Link>
      </p>
      <h2>
        {t.displayName} <StatusBadge status={t.status} />
      </h2>
      <section className="card" aria-labelledby="outputs">
        <h3 id="outputs">Outputs</h3>
        <dl className="facts">
          {Object.entries(outputs).map(([k, v]) => (
            <div key={k} style={{ display: "contents" }}>
              <dt>{k}</dt>
              <dd>{typeof v === "string" && v.startsWith("https://") ? <a href={v}>{v}</a> : String(v)}</dd>
            </div>
          ))}
        </dl>
      </section>
      <TenantActions
        slug={t.slug}
        status={t.status}
        plan={t.plan}
        seats={Number((t.spec as { seats?: number }).seats ?? 1)}
        features={[...effectiveFeatures(t.spec as TenantSpec)]}
        allowedFeatures={Object.fromEntries(
          Object.entries(tiers).map(([plan, tier]) => [plan, [...tier.allowedFeatures]]),
        )}
        canWrite={can(who, "platform:tenants:write")}
        canDelete={can(who, "platform:tenants:delete")}
      />
      <AdminInvitation
        slug={t.slug}
        admin={(t.spec as TenantSpec).admin}
        canWrite={can(who, "platform:tenants:write") && t.status !== "deleting"}
      />
      {can(who, "platform:tenants:write") && t.status !== "deleting" ? (
        <NasNetworksForm slug={t.slug} nasCidrs={(t.spec as TenantSpec).nasCidrs ?? []} />
      ) : null}
      <section className="card" aria-labelledby="history">
        <h3 id="history">Operations</h3>
        <ul>
          {itemsOf(ops).map((o) => (
            <li key={o.id}>
              <Link href={`/operations/${o.id}`}>
                {o.kind} · {o.status}
              </Link>{" "}
              {formatTime(o.createdAt, "second")}
            </li>
          ))}
        </ul>
      </section>
      <details className="card">
        <summary>Spec</summary>
        <pre>{JSON.stringify(t.spec, null, 2)}</pre>
      </details>
    </>
  );
}
