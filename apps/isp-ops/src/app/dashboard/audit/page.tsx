import { fieldErrors, TenantAuditQuery } from "@dotmac/contracts";
import { BeforeAfter, DataTable, formatTime } from "@dotmac/ui";
import Link from "next/link";
import { auditPage } from "../../../server/audit-log.ts";
import { deps } from "../../../server/runtime.ts";
import { staffWith } from "../../../server/session.ts";

type Filters = Partial<Record<"actor" | "action" | "from" | "to" | "before", string>>;

/** The tenant's audit log for staff who manage settings: who did what, when, before and after. */
export default async function Audit({ searchParams }: { searchParams: Promise<Filters> }) {
  await staffWith("settings:write");
  // The form sends its empty fields too: an empty field filters nothing.
  const filters: Filters = Object.fromEntries(Object.entries(await searchParams).filter(([, v]) => v));
  const query = TenantAuditQuery.safeParse(filters);
  const page = query.success ? await auditPage((await deps()).db, query.data) : undefined;
  const older = page?.nextCursor
    ? `/dashboard/audit?${new URLSearchParams({ ...filters, before: String(page.nextCursor) })}`
    : undefined;
  return (
    <>
      <h2>Audit log</h2>
      <search>
        <form className="toolbar" action="/dashboard/audit">
          <label>
            Who <input name="actor" defaultValue={filters.actor ?? ""} placeholder="e-mail" />
          </label>
          <label>
            Action <input name="action" defaultValue={filters.action ?? ""} placeholder="billing." />
          </label>
          <label>
            From <input type="date" name="from" defaultValue={filters.from ?? ""} />
          </label>
          <label>
            To <input type="date" name="to" defaultValue={filters.to ?? ""} />
          </label>
          <button type="submit">Filter</button>
        </form>
      </search>
      {query.success ? null : (
        <p className="error" role="alert">
          {fieldErrors(query.error)
            .map((e) => `${e.path}: ${e.message}`)
            .join("; ")}
        </p>
      )}
      <DataTable
        rows={page?.items ?? []}
        rowKey={(e) => String(e.id)}
        empty="No entries match."
        columns={[
          { label: "When", cell: (e) => formatTime(e.at, "second") },
          { label: "Who", cell: (e) => e.actorEmail ?? `${e.actorType}:${e.actorId}` },
          { label: "What", cell: (e) => e.action },
          { label: "On", cell: (e) => `${e.targetType} ${e.targetId ?? ""}` },
          {
            label: "Change",
            cell: (e) => <BeforeAfter before={e.before} after={e.after} />,
          },
        ]}
      />
      {older ? (
        <p>
          <Link href={older}>Older →</Link>
        </p>
      ) : null}
    </>
  );
}
