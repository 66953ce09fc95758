import { dunningStates, type TenantDb } from "@dotmac/tenant-db";
import { eq } from "drizzle-orm";
import { recentSessions, subscriberSummary } from "../subscriber-detail.ts";
import type { Customer } from "./customers.ts";

/** The subscriber's service: status, plan and speeds, the walled garden, and the session they are online with. */
export async function portalService(db: TenantDb, customer: Customer) {
  const [s, [last], [dunning]] = await Promise.all([
    subscriberSummary(db, customer.id),
    recentSessions(db, customer.id, 1),
    db
      .select({ walledGardenSince: dunningStates.walledGardenSince })
      .from(dunningStates)
      .where(eq(dunningStates.subscriberId, customer.id)),
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
    walledGardenSince: dunning?.walledGardenSince ?? null,
  };
}
