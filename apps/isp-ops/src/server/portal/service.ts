import type { TenantDb } from "@dotmac/tenant-db";
import { recentSessions, subscriberSummary } from "../subscriber-detail.ts";
import type { Customer } from "./customers.ts";

/** The subscriber's service: status, plan and speeds, and the session they are online with. */
export async function portalService(db: TenantDb, customer: Customer) {
  const [s, [last]] = await Promise.all([
    subscriberSummary(db, customer.id),
    recentSessions(db, customer.id, 1),
  ]);
  if (!s) return undefined;
  return {
    accountNumber: s.accountNumber,
    name: s.name,
    email: s.email,
    status: s.status,
    planName: s.planName,
    downloadKbps: s.downloadKbps,
    uploadKbps: s.uploadKbps,
    online: last && !last.stoppedAt ? { since: last.startedAt, address: last.framedIp } : null,
  };
}
