import type { Operation, Tenant } from "@dotmac/contracts";
import Link from "next/link";
import { notFound } from "next/navigation";
import { LiveOperation } from "../../../../components/live-operation.tsx";
import { api, can, me } from "../../../../server/upstream.ts";

export default async function OperationPage({ params }: { params: Promise<{ id: string }> }) {
  const who = await me();
  const { id } = await params;
  const op = await api<Operation>(`/operations/${encodeURIComponent(id)}`);
  if (op.status !== 200) notFound();
  const request = op.body.request as { spec?: { slug?: string } } | null;
  let slug = request?.spec?.slug ?? null;
  if (!slug && op.body.tenantId) {
    const tenants = await api<{ items: Tenant[] }>("/tenants?limit=200");
    slug = tenants.body.items.find((t) => t.id === op.body.tenantId)?.slug ?? null;
  }
  return (
    <>
      <h2>
        {op.body.kind} {slug ? <Link href={`/tenants/${slug}`}>{slug}</Link> : null}
      </h2>
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
