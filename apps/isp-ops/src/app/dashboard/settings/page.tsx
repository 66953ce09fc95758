import { StaffPermission } from "@dotmac/contracts";
import { formatTime } from "@dotmac/ui";
import { Fragment } from "react";
import { StaffForm } from "../../../components/staff-form.tsx";
import { SlaPolicyForm } from "../../../components/ticket-forms.tsx";
import type { EntitlementsStatus } from "../../../server/entitlements.ts";
import { listSlaPolicies } from "../../../server/helpdesk/sla.ts";
import { licenceStanding } from "../../../server/licence.ts";
import { branding, deps } from "../../../server/runtime.ts";
import { staffWith } from "../../../server/session.ts";
import { listStaff } from "../../../server/staff.ts";

/** What the platform grants this tenant, as last heard: shown, never changed here. */
function Entitlements({ status }: { status: EntitlementsStatus }) {
  if (status.state === "unmanaged" || status.state === "pending") {
    return (
      <p data-testid="entitlements">
        {status.state === "unmanaged"
          ? "This isp-ops is not managed by a platform: every feature is on and no licence applies."
          : `Not heard from the platform yet${"error" in status && status.error ? ` (${status.error})` : ""}; every feature stays on meanwhile.`}
      </p>
    );
  }
  const { plan, licence, flags } = status.entitlements;
  return (
    <div data-testid="entitlements">
      <dl className="facts">
        <dt>Plan</dt>
        <dd>{plan}</dd>
        <dt>Licence</dt>
        <dd>
          {licence
            ? `${licence.seats} staff seats${licence.validUntil ? `, valid until ${formatTime(licence.validUntil, "day")}` : ""}`
            : "none recorded"}
        </dd>
        {Object.entries(flags)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, on]) => (
            <Fragment key={key}>
              <dt>{key}</dt>
              <dd>{on ? "on" : "off"}</dd>
            </Fragment>
          ))}
      </dl>
      <p role={status.state === "stale" ? "alert" : undefined}>
        As the platform said at {formatTime(status.at)}
        {status.state === "stale"
          ? `; it cannot be reached now (${status.error}), so these values stand`
          : ""}
        . Ask your provider to change them.
      </p>
    </div>
  );
}

export default async function Settings() {
  await staffWith("settings:write");
  const brand = await branding();
  const { db, entitlements } = await deps();
  const [staff, policies] = await Promise.all([listStaff(db), listSlaPolicies(db)]);
  const used = staff.filter((s) => !s.disabledAt).length;
  const licence = licenceStanding(entitlements);
  return (
    <>
      <h2>Settings</h2>
      <section className="card" aria-labelledby="branding">
        <h3 id="branding">Branding</h3>
        <dl className="facts">
          <dt>Name</dt>
          <dd>{brand.name}</dd>
          <dt>Primary colour</dt>
          <dd>
            <span
              style={{
                display: "inline-block",
                width: 14,
                height: 14,
                background: brand.primaryColor,
                verticalAlign: "middle",
              }}
            />{" "}
            {brand.primaryColor}
          </dd>
          <dt>Logo</dt>
          <dd>{brand.logoUrl ?? "none"}</dd>
        </dl>
        <p>Branding comes with your tenant from the platform; ask your provider to change it.</p>
      </section>
      <section className="card" aria-labelledby="plan">
        <h3 id="plan">Plan, licence and features</h3>
        <Entitlements status={entitlements?.status ?? { state: "unmanaged" }} />
      </section>
      <section className="card" aria-labelledby="staff">
        <h3 id="staff">Staff</h3>
        <p data-testid="seats">
          {licence.state === "unlicensed"
            ? `${used} active`
            : `${used} of ${licence.seats} licensed seats in use${used >= licence.seats ? ": disable someone, or ask your provider for more seats, before adding staff" : ""}`}
        </p>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">E-mail</th>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Permissions</th>
            </tr>
          </thead>
          <tbody>
            {staff.map((s) => (
              <tr key={s.id}>
                <td>{s.email}</td>
                <td>{s.displayName}</td>
                <td>{s.role}</td>
                <td>{s.permissions.join(", ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <StaffForm permissions={StaffPermission.options} />
      <section className="card" aria-labelledby="sla">
        <h3 id="sla">Helpdesk SLA</h3>
        <p>
          How soon a ticket gets its first public answer and its resolution, by priority (round the clock; the
          resolution clock stops while a ticket is pending). A change applies to tickets opened or
          re-prioritised from then on.
        </p>
        {policies.map((p) => (
          <SlaPolicyForm key={p.priority} {...p} />
        ))}
      </section>
    </>
  );
}
