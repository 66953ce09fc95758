import { PlanTier, TenantStatus } from "@dotmac/contracts";
import { answer, BarChart, StatusBadge } from "@dotmac/ui";
import Link from "next/link";
import { can, itemsOf, me, platform } from "../../../server/upstream.ts";

export default async function Tenants({
  searchParams,
}: {
  searchParams: Promise<{ q?: string; status?: string; plan?: string; cursor?: string }>;
}) {
  const who = await me();
  const query = await searchParams;
  const api = await platform();
  const [page, all, ops] = await Promise.all([
    answer(
      api.tenants.$get({
        query: {
          limit: "25",
          q: query.q || undefined,
          // An unknown value in the address bar filters nothing rather than failing the page.
          status: TenantStatus.safeParse(query.status).data,
          plan: PlanTier.safeParse(query.plan).data,
          cursor: query.cursor || undefined,
        },
      }),
    ),
    answer(api.tenants.$get({ query: { limit: "100" } })),
    answer(api.operations.$get({ query: { limit: "100" } })),
  ]);
  const days = Array.from({ length: 14 }, (_, i) =>
    new Date(Date.now() - (13 - i) * 86_400_000).toISOString().slice(0, 10),
  );
  const perDay = days.map((day) => ({
    label: day,
    value: itemsOf(ops).filter((o) => o.createdAt.startsWith(day)).length,
  }));
  const byPlan = ["starter", "professional", "enterprise"].map((plan) => ({
    label: plan,
    value: itemsOf(all).filter((t) => t.plan === plan).length,
  }));
  const items = itemsOf(page);
  const filtered = Boolean(query.q || query.status || query.plan);
  return (
    <>
      <h2>Tenants</h2>
      <search>
        <form className="toolbar" action="/tenants">
          <label>
            Search <input name="q" defaultValue={query.q ?? ""} placeholder="slug or name" />
          </label>
          <label>
            Status{" "}
            <select name="status" defaultValue={query.status ?? ""}>
              <option value="">any</option>
              {["provisioning", "active", "suspended", "failed", "deleting"].map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            Plan{" "}
            <select name="plan" defaultValue={query.plan ?? ""}>
              <option value="">any</option>
              {["starter", "professional", "enterprise"].map((p) => (
                <option key={p}>{p}</option>
              ))}
            </select>
          </label>
          <button type="submit">Filter</button>
        </form>
      </search>
      {items.length === 0 ? (
        <p className="notice">
          {filtered ? "No tenants match." : "No ISPs yet. "}
          {!filtered && can(who, "platform:tenants:write") ? (
            <Link href="/tenants/new">Onboard the first one</Link>
          ) : null}
        </p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Tenant</th>
              <th scope="col">Status</th>
              <th scope="col">Plan</th>
              <th scope="col">Seats</th>
              <th scope="col">Created</th>
              <th scope="col">Last operation</th>
            </tr>
          </thead>
          <tbody>
            {items.map((t) => (
              <tr key={t.id}>
                <td>
                  <Link href={`/tenants/${t.slug}`}>{t.displayName}</Link> <small>({t.slug})</small>
                </td>
                <td>
                  <StatusBadge status={t.status} />
                </td>
                <td>{t.plan}</td>
                <td>{t.seats}</td>
                <td>{t.createdAt.slice(0, 10)}</td>
                <td>
                  {t.lastOperation ? (
                    <Link href={`/operations/${t.lastOperation.id}`}>
                      {t.lastOperation.kind} · {t.lastOperation.status}
                    </Link>
                  ) : (
                    "—"
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page.ok && page.body.nextCursor ? (
        <p>
          <Link
            href={`/tenants?${new URLSearchParams({ ...query, cursor: page.body.nextCursor } as Record<string, string>)}`}
          >
            Next page →
          </Link>
        </p>
      ) : null}
      <div className="grid" style={{ marginTop: "1rem" }}>
        <BarChart title="Tenants by plan" data={byPlan} />
        <BarChart title="Operations per day, last 14 days" data={perDay} />
      </div>
    </>
  );
}
