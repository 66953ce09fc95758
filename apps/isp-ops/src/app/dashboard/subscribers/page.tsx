import { SubscriberQuery } from "@dotmac/contracts";
import { DataTable, formatTime, StatusBadge } from "@dotmac/ui";
import Link from "next/link";
import { CsvImport } from "../../../components/csv-import.tsx";
import { PlanOptions } from "../../../components/plan-options.tsx";
import { planOptions } from "../../../server/plans.ts";
import { deps } from "../../../server/runtime.ts";
import { staffWith } from "../../../server/session.ts";
import { listSubscribers } from "../../../server/subscribers.ts";

export default async function Subscribers({
  searchParams,
}: {
  searchParams: Promise<Record<string, string>>;
}) {
  const staff = await staffWith("customers:read");
  const raw = await searchParams;
  const parsed = SubscriberQuery.safeParse(
    Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== "")),
  );
  const query = parsed.success ? parsed.data : SubscriberQuery.parse({});
  const { db } = await deps();
  const [page, plans] = await Promise.all([listSubscribers(db, query), planOptions(db)]);
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  const link = (p: number) => {
    const params = new URLSearchParams({ ...raw, page: String(p) });
    return `/dashboard/subscribers?${params}`;
  };
  return (
    <>
      <h2>Subscribers</h2>
      <search>
        <form className="toolbar" action="/dashboard/subscribers">
          <label>
            Search{" "}
            <input
              name="q"
              defaultValue={query.q ?? ""}
              placeholder="name, account, username, phone, IP, MAC"
              size={36}
            />
          </label>
          <label>
            Status{" "}
            <select name="status" defaultValue={query.status ?? ""}>
              <option value="">any</option>
              {["pending", "active", "suspended", "terminated"].map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            Plan{" "}
            <select name="planId" defaultValue={query.planId ?? ""}>
              <PlanOptions plans={plans} none="any" />
            </select>
          </label>
          <button type="submit">Search</button>
          {staff.permissions.includes("customers:write") ? (
            <Link className="button" href="/dashboard/subscribers/new">
              New subscriber
            </Link>
          ) : null}
        </form>
      </search>
      {!parsed.success ? <p className="error">Some filters were not understood and were ignored.</p> : null}
      <DataTable
        rows={page.items}
        rowKey={(s) => s.id}
        empty="No subscribers match."
        columns={[
          { label: "Account", cell: (s) => s.accountNumber },
          { label: "Name", cell: (s) => <Link href={`/dashboard/subscribers/${s.id}`}>{s.name}</Link> },
          { label: "Username", cell: (s) => s.username },
          { label: "Plan", cell: (s) => s.planName ?? "—" },
          { label: "Status", cell: (s) => <StatusBadge status={s.status} /> },
          { label: "Since", cell: (s) => formatTime(s.createdAt, "day") },
        ]}
        pager={{
          page: page.page,
          pages,
          href: link,
          summary: `Page ${page.page} of ${pages}${page.totalIsEstimate ? "+" : ""} · ${page.total.toLocaleString("en")}${page.totalIsEstimate ? "+" : ""} subscribers`,
        }}
      />
      {staff.permissions.includes("customers:write") ? <CsvImport /> : null}
    </>
  );
}
