import { formatTime, SignOut, StatusBadge } from "@dotmac/ui";
import Link from "next/link";
import { UsageCard } from "../../components/portal/usage-card.tsx";
import { planText } from "../../components/units.ts";
import { portalService } from "../../server/portal/service.ts";
import { currentCustomer } from "../../server/portal/session.ts";
import { portalUsage } from "../../server/portal/usage.ts";
import { deps } from "../../server/runtime.ts";

const why: Record<string, string> = {
  pending: "Your connection is being set up.",
  suspended: "Your service is suspended. If an invoice is open, paying it restores the service.",
  terminated: "This account is closed.",
};

/** The subscriber's service at a glance: status and why, plan and speeds, online now, usage. */
export default async function PortalHome() {
  const customer = await currentCustomer();
  const { db } = await deps();
  const [s, usage] = await Promise.all([portalService(db, customer), portalUsage(db, customer)]);
  if (!s || !usage) return null;
  const reason = s.walledGardenSince
    ? "An invoice is overdue: until it is paid your connection reaches only this portal."
    : usage.capReached && s.status === "active"
      ? "You have used your plan's data for this period."
      : (why[s.status] ?? "");
  return (
    <>
      <h1>Hello, {s.name}</h1>
      <section className="card" aria-labelledby="service">
        <h2 id="service">Your service</h2>
        <dl className="facts">
          <dt>Account</dt>
          <dd>{s.accountNumber}</dd>
          <dt>Status</dt>
          <dd>
            <StatusBadge status={s.status} /> {reason}
          </dd>
          <dt>Plan</dt>
          <dd>{planText(s)}</dd>
          <dt>Online</dt>
          <dd>
            {s.online
              ? `since ${formatTime(s.online.since)}${s.online.address ? ` as ${s.online.address}` : ""}`
              : "not right now"}
          </dd>
        </dl>
      </section>
      <UsageCard usage={usage} />
      <p className="toolbar">
        <Link className="button" href="/portal/invoices">
          Invoices and paying
        </Link>
        <Link className="button" href="/portal/tickets">
          Help and your tickets
        </Link>
        <Link className="button" href="/portal/account">
          Your account
        </Link>
      </p>
      <SignOut apiBase="/api/v1/portal" signIn="/portal/login" />
    </>
  );
}
