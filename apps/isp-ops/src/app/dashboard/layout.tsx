import { SignOut } from "@dotmac/ui";
import Link from "next/link";
import type { ReactNode } from "react";
import { branding } from "../../server/runtime.ts";
import { currentStaff } from "../../server/session.ts";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const staff = await currentStaff();
  const can = (p: string) => staff.permissions.some((x) => x === p);
  const brand = await branding();
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
      <main>{children}</main>
    </div>
  );
}
