import { z } from "zod";

/** What ISP staff may do in their tenant's isp-ops app (the seed's staff permissions). */
export const StaffPermission = z.enum([
  "customers:read",
  "customers:write",
  "billing:read",
  "billing:write",
  "network:manage",
  "support:read",
  "support:write",
  "settings:write",
]);
export type StaffPermission = z.infer<typeof StaffPermission>;

/** A subscriber's life: signed up, connected, cut off for a while, gone for good. */
export const SubscriberStatus = z.enum(["pending", "active", "suspended", "terminated"]);

/** Who acts in a tenant's audit log: a staff member, the app itself, its RADIUS server, or a subscriber in the portal. */
export const TenantAuditActorType = z.enum(["staff", "system", "radius", "subscriber"]);
export type TenantAuditActorType = z.infer<typeof TenantAuditActorType>;
export type SubscriberStatus = z.infer<typeof SubscriberStatus>;

/**
 * The moves a subscriber's status may make. Terminated is final: a returning customer is a new
 * subscriber with a new account number, so history and billing stay with the old one.
 */
export const subscriberTransitions: Readonly<Record<SubscriberStatus, readonly SubscriberStatus[]>> = {
  pending: ["active", "terminated"],
  active: ["suspended", "terminated"],
  suspended: ["active", "terminated"],
  terminated: [],
};

export function canTransition(from: SubscriberStatus, to: SubscriberStatus): boolean {
  return subscriberTransitions[from].includes(to);
}

export const BillingCycle = z.enum(["monthly", "quarterly", "yearly"]);
export type BillingCycle = z.infer<typeof BillingCycle>;

/** When a period is invoiced: as it starts (prepaid), or once it has ended, with usage (postpaid). */
export const BillingMode = z.enum(["prepaid", "postpaid"]);
export type BillingMode = z.infer<typeof BillingMode>;

/** What crossing a data cap does: refuse logins (hard) or only flag it (soft). */
export const CapMode = z.enum(["hard", "soft"]);
export type CapMode = z.infer<typeof CapMode>;
