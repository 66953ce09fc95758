import type { Operation, Tenant } from "@dotmac/contracts";
import Link from "next/link";
import { notFound } from "next/navigation";
import { FleetProgress } from "../../../../components/fleet-progress.tsx";
import { LiveOperation } from "../../../../components/live-operation.tsx";
import { api, can, me } from "../../../../server/upstream.ts";

export default async function OperationPage({ params }: { params: Promise<{ id: string }> }) {
  const who = await me();
  const { id } = await params;
  const op = await api<Operation>(`/operations/${encodeURIComponent(id)}`);
  if (op.status !== 200) notFound();
  const request = op.body.request as { spec?: { slug?: string } } | null;
  let slug = request?.spec?.slug ?? null;
  // Operations name their tenant by id; the pages (and the API's tenant routes) go by slug.
  let cursor: string | null = "";
  while (!slug && op.body.tenantId && cursor !== null) {
    const page: { status: number; body: { items: Tenant[]; nextCursor: string | null } } = await api(
      `/tenants?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    if (page.status !== 200) break;
    slug = page.body.items.find((t) => t.id === op.body.tenantId)?.slug ?? null;
    cursor = page.body.nextCursor;
  }
  return (
    <>
      <h2>
        {op.body.kind} {slug ? <Link href={`/tenants/${slug}`}>{slug}</Link> : null}
      </h2>
      {op.body.kind === "fleet" ? <FleetProgress parentId={op.body.id} slugs={await tenantSlugs()} /> : null}
      <LiveOperation
        operationId={op.body.id}
        slug={slug}
        initialStatus={op.body.status}
        startedAt={op.body.startedAt}
        canRetry={can(who, "platform:tenants:write")}
      />
    </>
  );
}

/** Tenant slugs by id, for naming a rollout's children. */
async function tenantSlugs(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  let cursor: string | null = "";
  while (cursor !== null) {
    const page: { status: number; body: { items: Tenant[]; nextCursor: string | null } } = await api(
      `/tenants?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    if (page.status !== 200) break;
    for (const t of page.body.items) out[t.id] = t.slug;
    cursor = page.body.nextCursor;
  }
  return out;
}
