import type { PlanCreate } from "@dotmac/contracts";
import type { PlanListItem } from "@dotmac/contracts/isp-ops-responses";
import { servicePlans, type TenantDb } from "@dotmac/tenant-db";
import { asc } from "drizzle-orm";
import { audit } from "./audit.ts";
import type { Staff } from "./auth.ts";
import { checkPlanCurrency } from "./billing/settings.ts";
import { constraintProblem } from "./constraints.ts";

export async function listPlans(db: TenantDb) {
  const pg = db.$client;
  return pg<PlanListItem[]>`
    select p.id, p.name, p.download_kbps as "downloadKbps", p.upload_kbps as "uploadKbps",
           p.burst_download_kbps as "burstDownloadKbps", p.burst_upload_kbps as "burstUploadKbps",
           p.data_cap_bytes::float8 as "dataCapBytes", p.cap_mode as "capMode", p.price_minor as "priceMinor",
           p.currency, p.billing_cycle as "billingCycle", p.billing_mode as "billingMode",
           p.overage_per_gb_minor as "overagePerGbMinor", p.active, p.vendor_attributes as "vendorAttributes",
           (select count(*)::int from subscribers s where s.plan_id = p.id and s.status <> 'terminated') as subscribers
      from service_plans p order by p.name`;
}

export async function planOptions(db: TenantDb) {
  return db
    .select({ id: servicePlans.id, name: servicePlans.name })
    .from(servicePlans)
    .orderBy(asc(servicePlans.name));
}

export async function createPlan(db: TenantDb, staff: Staff, input: PlanCreate) {
  await checkPlanCurrency(db, input.currency);
  try {
    return await db.transaction(async (tx) => {
      const [plan] = await tx.insert(servicePlans).values(input).returning();
      if (!plan) throw new Error("insert returned nothing");
      await audit(tx, staff.id, {
        action: "plan.create",
        targetType: "plan",
        targetId: plan.id,
        after: input,
      });
      return plan;
    });
  } catch (error) {
    throw constraintProblem(error);
  }
}
