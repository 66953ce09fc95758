import { answer, formatTime } from "@dotmac/ui";
import { redirect } from "next/navigation";
import { FlagForm, RemoveOverride } from "../../../components/flag-form.tsx";
import { can, itemsOf, me, platform } from "../../../server/upstream.ts";

export default async function Flags() {
  const who = await me();
  if (!can(who, "platform:flags:read")) redirect("/tenants");
  const api = await platform();
  const [flags, tenants] = await Promise.all([
    answer(api.flags.$get()),
    answer(api.tenants.$get({ query: { limit: "100" } })),
  ]);
  const slugOf = new Map(itemsOf(tenants).map((t) => [t.id, t.slug]));
  const items = itemsOf(flags);
  return (
    <>
      <h2>Feature flags</h2>
      {items.length === 0 ? (
        <p className="notice">No flags set yet.</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Flag</th>
              <th scope="col">Scope</th>
              <th scope="col">Value</th>
              <th scope="col">Changed</th>
              <th scope="col">
                <span className="ui-sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((f) => {
              const slug = f.tenantId ? slugOf.get(f.tenantId) : undefined;
              return (
                <tr key={`${f.key}-${f.tenantId ?? "global"}`}>
                  <td>
                    <code>{f.key}</code>
                  </td>
                  <td>{f.tenantId ? `override for ${slug ?? f.tenantId}` : "every tenant"}</td>
                  <td>{f.enabled ? "on" : "off"}</td>
                  <td>{formatTime(f.updatedAt)}</td>
                  <td>
                    {slug && can(who, "platform:flags:write") ? (
                      <RemoveOverride slug={slug} flagKey={f.key} />
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {can(who, "platform:flags:write") ? <FlagForm /> : null}
    </>
  );
}
