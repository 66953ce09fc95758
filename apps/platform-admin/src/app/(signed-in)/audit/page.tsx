import type { AuditPage } from "@dotmac/contracts";
import { formatTime } from "@dotmac/ui";
import Link from "next/link";
import { redirect } from "next/navigation";
import { api, can, me } from "../../../server/upstream.ts";

export default async function Audit({
  searchParams,
}: {
  searchParams: Promise<{
    actor?: string;
    action?: string;
    tenant?: string;
    from?: string;
    to?: string;
    before?: string;
  }>;
}) {
  const who = await me();
  if (!can(who, "platform:audit:read")) redirect("/tenants");
  const q = await searchParams;
  const params = new URLSearchParams({ limit: "50" });
  for (const key of ["actor", "action", "tenant", "before"] as const)
    if (q[key]) params.set(key, q[key] as string);
  if (q.from) params.set("from", new Date(`${q.from}T00:00:00Z`).toISOString());
  if (q.to) params.set("to", new Date(`${q.to}T23:59:59Z`).toISOString());
  const page = await api<AuditPage & { detail?: string }>(`/audit?${params}`);
  const items = page.body?.items ?? [];
  return (
    <>
      <h2>Audit log</h2>
      <search>
        <form className="toolbar" action="/audit">
          <label>
            Actor <input name="actor" defaultValue={q.actor ?? ""} />
          </label>
          <label>
            Action <input name="action" defaultValue={q.action ?? ""} placeholder="tenant.create" />
          </label>
          <label>
            Tenant <input name="tenant" defaultValue={q.tenant ?? ""} />
          </label>
          <label>
            From <input type="date" name="from" defaultValue={q.from ?? ""} />
          </label>
          <label>
            To <input type="date" name="to" defaultValue={q.to ?? ""} />
          </label>
          <button type="submit">Filter</button>
        </form>
      </search>
      {page.status !== 200 ? (
        <p className="error">{page.body?.detail ?? "The audit log could not be read."}</p>
      ) : null}
      <table className="data">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">On</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {items.map((e) => (
            <tr key={e.id}>
              <td>{formatTime(e.at, "second")}</td>
              <td>
                {e.actorType}:{e.actorId.slice(0, 8)}
              </td>
              <td>{e.action}</td>
              <td>
                {e.targetType} {e.targetId ?? ""}
              </td>
              <td>
                <details>
                  <summary>before / after</summary>
                  <pre>{JSON.stringify({ before: e.before, after: e.after }, null, 2)}</pre>
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.body?.nextCursor ? (
        <p>
          <Link
            href={`/audit?${new URLSearchParams({ ...q, before: String(page.body.nextCursor) } as Record<string, string>)}`}
          >
            Older →
          </Link>
        </p>
      ) : null}
    </>
  );
}
