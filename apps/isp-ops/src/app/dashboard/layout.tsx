import { formatTime, SignOut } from "@dotmac/ui";
import Link from "next/link";
import type { ReactNode } from "react";
import { type LicenceStanding, licenceStanding } from "../../server/licence.ts";
import { branding, deps } from "../../server/runtime.ts";
import { currentStaff } from "../../server/session.ts";

/** Staff hear of the licence's end before it comes, and what it means once it has. */
function LicenceNotice({ standing }: { standing: LicenceStanding }) {
  if (standing.state !== "ending" && standing.state !== "expired") return null;
  const day = formatTime(standing.validUntil ?? new Date(), "day");
  return (
    <p className="error" role="alert" data-testid="licence-notice">
      {standing.state === "ending"
        ? `Your licence ends on ${day}. Ask your provider to renew it: after that day isp-ops is read-only for staff (subscribers keep their service and portal).`
        : `Your licence ended on ${day}: isp-ops is read-only for staff until your provider renews it. Subscribers keep their service and portal.`}
    </p>
  );
}

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const staff = await currentStaff();
  const can = (p: string) => staff.permissions.some((x) => x === p);
  const brand = await branding();
  const standing = licenceStanding((await deps()).entitlements);
  return (
    <div className="shell">
      <nav className="nav" aria-label="Main">
        <h1>{brand.name}</h1>
        <ul>
          <li>
            <Link href="/dashboard">Dashboard</Link>
          </li>
          {can("customers:read") ? (
            <li>
              <Link href="/dashboard/subscribers">Subscribers</Link>
            </li>
          ) : null}
          {can("customers:read") || can("billing:read") ? (
            <li>
              <Link href="/dashboard/plans">Plans</Link>
            </li>
          ) : null}
          {can("billing:read") ? (
            <li>
              <Link href="/dashboard/billing">Billing</Link>
            </li>
          ) : null}
          {can("network:manage") ? (
            <li>
              <Link href="/dashboard/radius">RADIUS</Link>
            </li>
          ) : null}
          {can("customers:read") ? (
            <li>
              <Link href="/dashboard/devices">Devices</Link>
            </li>
          ) : null}
          {can("support:read") ? (
            <li>
              <Link href="/dashboard/helpdesk">Helpdesk</Link>
            </li>
          ) : null}
          {can("settings:write") ? (
            <>
              <li>
                <Link href="/dashboard/settings">Settings</Link>
              </li>
              <li>
                <Link href="/dashboard/audit">Audit log</Link>
              </li>
            </>
          ) : null}
        </ul>
        <p className="who">
          {staff.displayName} · {staff.role}
        </p>
        <SignOut apiBase="/api/v1" />
      </nav>
      <main>
        <LicenceNotice standing={standing} />
        {children}
      </main>
    </div>
  );
}
