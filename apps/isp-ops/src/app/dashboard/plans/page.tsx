import { PlanForm } from "../../../components/plan-form.tsx";
import { listPlans } from "../../../server/plans.ts";
import { deps } from "../../../server/runtime.ts";
import { currentStaff } from "../../../server/session.ts";

const speed = (kbps: number) => (kbps % 1000 === 0 ? `${kbps / 1000} Mbit/s` : `${kbps} kbit/s`);

export default async function Plans() {
  const staff = await currentStaff();
  const can = (p: string) => staff.permissions.some((x) => x === p);
  if (!can("customers:read") && !can("billing:read")) {
    return <p className="notice">Your role has no access to plans.</p>;
  }
  const plans = await listPlans((await deps()).db);
  return (
    <>
      <h2>Plans</h2>
      {plans.length === 0 ? (
        <p className="notice">No plans yet{can("billing:write") ? ": create the first one below." : "."}</p>
      ) : (
        <table className="data">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Down / up</th>
              <th scope="col">Cap</th>
              <th scope="col">Price</th>
              <th scope="col">RADIUS extras</th>
              <th scope="col">Subscribers</th>
            </tr>
          </thead>
          <tbody>
            {plans.map((p) => (
              <tr key={String(p.id)}>
                <td>{p.name}</td>
                <td>
                  {speed(p.downloadKbps)} / {speed(p.uploadKbps)}
                </td>
                <td>
                  {p.dataCapBytes ? `${(Number(p.dataCapBytes) / 1e9).toFixed(0)} GB (${p.capMode})` : "none"}
                </td>
                <td>
                  {(p.priceMinor / 100).toFixed(2)} {p.currency} / {p.billingCycle}
                  {p.billingMode === "postpaid"
                    ? `, in arrears${p.overagePerGbMinor ? `, ${(p.overagePerGbMinor / 100).toFixed(2)} ${p.currency} per GB over the cap` : ""}`
                    : ""}
                </td>
                <td>
                  {Object.entries(p.vendorAttributes)
                    .map(([name, value]) => `${name} = ${value}`)
                    .join(", ") || "—"}
                </td>
                <td>{p.subscribers}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {can("billing:write") ? <PlanForm /> : null}
    </>
  );
}
