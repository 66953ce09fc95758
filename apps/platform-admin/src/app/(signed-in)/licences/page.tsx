import { answer } from "@dotmac/ui";
import { redirect } from "next/navigation";
import { LicenceForm } from "../../../components/licence-form.tsx";
import { can, itemsOf, me, platform } from "../../../server/upstream.ts";

export default async function Licences() {
  const who = await me();
  if (!can(who, "platform:licenses:read")) redirect("/tenants");
  const api = await platform();
  const tenants = itemsOf(await answer(api.tenants.$get({ query: { limit: "50" } })));
  const licences = await Promise.all(
    tenants.map(async (t) => {
      const licence = await answer(api.tenants[":slug"].licence.$get({ param: { slug: t.slug } }));
      return { tenant: t, licence: licence.ok ? licence.body : null };
    }),
  );
  return (
    <>
      <h2>Licences and seats</h2>
      <table className="data">
        <thead>
          <tr>
            <th scope="col">Tenant</th>
            <th scope="col">Plan</th>
            <th scope="col">Seats in the spec</th>
            <th scope="col">Licensed seats</th>
            <th scope="col">Valid until</th>
          </tr>
        </thead>
        <tbody>
          {licences.map(({ tenant, licence }) => (
            <tr key={tenant.id}>
              <td>{tenant.displayName}</td>
              <td>{tenant.plan}</td>
              <td>{tenant.seats}</td>
              <td>{licence?.seats ?? "—"}</td>
              <td>{licence?.validUntil?.slice(0, 10) ?? "no end"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {can(who, "platform:licenses:write") && tenants.length > 0 ? (
        <LicenceForm slugs={tenants.map((t) => t.slug)} />
      ) : null}
    </>
  );
}
