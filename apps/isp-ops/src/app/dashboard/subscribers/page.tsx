import { SubscriberQuery } from "@dotmac/contracts";
import { formatTime, StatusBadge } from "@dotmac/ui";
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
      {page.items.length === 0 ? (
        <p className="notice">No subscribers match.</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">Name</th>
              <th scope="col">Username</th>
              <th scope="col">Plan</th>
              <th scope="col">Status</th>
              <th scope="col">Since</th>
            </tr>
          </thead>
          <tbody>
            {page.items.map((s) => (
              <tr key={s.id}>
                <td>{s.accountNumber}</td>
                <td>
                  <Link href={`/dashboard/subscribers/${s.id}`}>{s.name}</Link>
                </td>
                <td>{s.username}</td>
                <td>{s.planName ?? "—"}</td>
                <td>
                  <StatusBadge status={s.status} />
                </td>
                <td>{formatTime(s.createdAt, "day")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav aria-label="Pages" className="toolbar" style={{ marginTop: "1rem" }}>
        {page.page > 1 ? <Link href={link(page.page - 1)}>← Previous</Link> : null}
        <span>
          Page {page.page} of {pages}
          {page.totalIsEstimate ? "+" : ""} · {page.total.toLocaleString("en")}
          {page.totalIsEstimate ? "+" : ""} subscribers
        </span>
        {page.page < pages ? <Link href={link(page.page + 1)}>Next →</Link> : null}
      </nav>
      {staff.permissions.includes("customers:write") ? <CsvImport /> : null}
    </>
  );
}
