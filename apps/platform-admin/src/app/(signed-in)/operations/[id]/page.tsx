import { answer } from "@dotmac/ui";
import Link from "next/link";
import { notFound } from "next/navigation";
import { FleetProgress } from "../../../../components/fleet-progress.tsx";
import { LiveOperation } from "../../../../components/live-operation.tsx";
import { can, me, platform } from "../../../../server/upstream.ts";

export default async function OperationPage({ params }: { params: Promise<{ id: string }> }) {
  const who = await me();
  const { id } = await params;
  const res = await answer((await platform()).operations[":id"].$get({ param: { id } }));
  if (!res.ok) notFound();
  const op = res.body;
  const request = op.request as { spec?: { slug?: string } } | null;
  // Operations name their tenant by id; the pages (and the API's tenant routes) go by slug.
  const slugs = op.kind === "fleet" || (!request?.spec?.slug && op.tenantId) ? await tenantSlugs() : {};
  const slug = request?.spec?.slug ?? (op.tenantId ? slugs[op.tenantId] : undefined) ?? null;
  return (
    <>
      <h2>
        {op.kind} {slug ? <Link href={`/tenants/${slug}`}>{slug}</Link> : null}
      </h2>
      {op.kind === "fleet" ? <FleetProgress parentId={op.id} slugs={slugs} /> : null}
      <LiveOperation
        operationId={op.id}
        slug={slug}
        initialStatus={op.status}
        startedAt={op.startedAt}
        canRetry={can(who, "platform:tenants:write")}
      />
    </>
  );
}

/** Tenant slugs by id, for naming an operation's tenant and a rollout's children. */
async function tenantSlugs(): Promise<Record<string, string>> {
  const api = await platform();
  const pageAfter = (cursor: string) =>
    answer(api.tenants.$get({ query: { limit: "100", cursor: cursor || undefined } }));
  const out: Record<string, string> = {};
  let cursor: string | null = "";
  while (cursor !== null) {
    const page: Awaited<ReturnType<typeof pageAfter>> = await pageAfter(cursor);
    if (!page.ok) break;
    for (const t of page.body.items) out[t.id] = t.slug;
    cursor = page.body.nextCursor;
  }
  return out;
}
