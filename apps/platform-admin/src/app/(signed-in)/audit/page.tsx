import { answer, BeforeAfter, formatTime } from "@dotmac/ui";
import Link from "next/link";
import { redirect } from "next/navigation";
import { can, itemsOf, me, platform } from "../../../server/upstream.ts";

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
  const page = await answer(
    (await platform()).audit.$get({
      query: {
        limit: "50",
        actor: q.actor || undefined,
        action: q.action || undefined,
        tenant: q.tenant || undefined,
        before: q.before || undefined,
        from: q.from ? new Date(`${q.from}T00:00:00Z`).toISOString() : undefined,
        to: q.to ? new Date(`${q.to}T23:59:59Z`).toISOString() : undefined,
      },
    }),
  );
  const items = itemsOf(page);
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
      {page.ok ? null : <p className="error">{page.message}</p>}
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
                <BeforeAfter before={e.before} after={e.after} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.ok && page.body.nextCursor ? (
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
