import { DataTable } from "@dotmac/ui";
import { PlanForm } from "../../../components/plan-form.tsx";
import { speed } from "../../../components/units.ts";
import { listPlans } from "../../../server/plans.ts";
import { deps } from "../../../server/runtime.ts";
import { currentStaff } from "../../../server/session.ts";

export default async function Plans({
  searchParams,
}: {
  searchParams: Promise<{ sort?: string; dir?: string }>;
}) {
  const query = await searchParams;
  const staff = await currentStaff();
  const can = (p: string) => staff.permissions.some((x) => x === p);
  if (!can("customers:read") && !can("billing:read")) {
    return <p className="notice">Your role has no access to plans.</p>;
  }
  const plans = await listPlans((await deps()).db);
  return (
    <>
      <h2>Plans</h2>
      <DataTable
        rows={plans}
        rowKey={(p) => String(p.id)}
        empty={`No plans yet${can("billing:write") ? ": create the first one below." : "."}`}
        sort={{
          ...(query.sort ? { column: query.sort } : {}),
          ...(query.dir === "desc" || query.dir === "asc" ? { dir: query.dir } : {}),
          href: (column, dir) => `/dashboard/plans?sort=${encodeURIComponent(column)}&dir=${dir}`,
        }}
        columns={[
          { label: "Name", cell: (p) => p.name, sortBy: (p) => p.name },
          {
            label: "Down / up",
            cell: (p) => `${speed(p.downloadKbps)} / ${speed(p.uploadKbps)}`,
            sortBy: (p) => p.downloadKbps,
          },
          {
            label: "Cap",
            cell: (p) =>
              p.dataCapBytes ? `${(Number(p.dataCapBytes) / 1e9).toFixed(0)} GB (${p.capMode})` : "none",
            sortBy: (p) => Number(p.dataCapBytes ?? 0),
          },
          {
            label: "Price",
            cell: (p) =>
              `${(p.priceMinor / 100).toFixed(2)} ${p.currency} / ${p.billingCycle}${
                p.billingMode === "postpaid"
                  ? `, in arrears${p.overagePerGbMinor ? `, ${(p.overagePerGbMinor / 100).toFixed(2)} ${p.currency} per GB over the cap` : ""}`
                  : ""
              }`,
            sortBy: (p) => p.priceMinor,
          },
          {
            label: "RADIUS extras",
            cell: (p) =>
              Object.entries(p.vendorAttributes)
                .map(([name, value]) => `${name} = ${value}`)
                .join(", ") || "—",
          },
          { label: "Subscribers", cell: (p) => p.subscribers, sortBy: (p) => p.subscribers },
        ]}
      />
      {can("billing:write") ? <PlanForm /> : null}
    </>
  );
}
