import { z } from "zod";
import {
  BillingCycle,
  BillingMode,
  CapMode,
  StaffPermission,
  SubscriberStatus,
  TenantAuditActorType,
} from "./subscribers.ts";

/** What the isp-ops API answers, as it is on the wire (times are ISO 8601 strings there). */

const at = z.string().describe("ISO 8601 time");

/** One entry of a tenant's audit log; a staff actor's e-mail beside their id. */
export const TenantAuditEntry = z.object({
  id: z.number(),
  at,
  actorType: TenantAuditActorType,
  actorId: z.string(),
  actorEmail: z.string().nullable(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
});
export const TenantAuditPage = z.object({
  items: z.array(TenantAuditEntry),
  nextCursor: z.number().nullable(),
});
export type TenantAuditPage = z.infer<typeof TenantAuditPage>;

export const StaffMember = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  role: z.string(),
  permissions: z.array(StaffPermission),
});

export const StaffListItem = StaffMember.extend({ disabledAt: at.nullable() });

export const DashboardStats = z.object({
  active: z.number(),
  suspended: z.number(),
  pending: z.number(),
  newThisMonth: z.number(),
  online: z.number(),
  bytesToday: z.number(),
  signups: z.array(z.object({ day: z.string(), n: z.number() })),
});

const subscriberFields = {
  id: z.uuid(),
  accountNumber: z.number(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  status: SubscriberStatus,
  planName: z.string().nullable(),
  username: z.string().nullable(),
  createdAt: at,
};

export const SubscriberListItem = z.object(subscriberFields);

export const SubscriberPage = z.object({
  items: z.array(SubscriberListItem),
  page: z.number(),
  pageSize: z.number(),
  /** At most 10,000: counting stops there, and totalIsEstimate says so. */
  total: z.number(),
  totalIsEstimate: z.boolean(),
});

export const SubscriberCreated = z.object({ id: z.uuid(), accountNumber: z.number() });

export const SubscriberDetail = z.object({
  ...subscriberFields,
  serviceAddress: z.string(),
  staticIp: z.string().nullable(),
  planId: z.uuid().nullable(),
  downloadKbps: z.number().nullable(),
  uploadKbps: z.number().nullable(),
  dataCapBytes: z.number().nullable(),
  sessions: z.array(
    z.object({
      id: z.string(),
      sessionId: z.string(),
      nas: z.string(),
      framedIp: z.string().nullable(),
      startedAt: at,
      stoppedAt: at.nullable(),
      seconds: z.number().nullable(),
      inputOctets: z.number(),
      outputOctets: z.number(),
      terminateCause: z.string().nullable(),
    }),
  ),
  usage: z.array(z.object({ day: z.string(), inputOctets: z.number(), outputOctets: z.number() })),
  devices: z.array(
    z.object({
      id: z.uuid(),
      serial: z.string(),
      model: z.string(),
      mac: z.string().nullable(),
      genieacsId: z.string().nullable(),
    }),
  ),
  history: z.array(
    z.object({
      from: z.string().nullable(),
      to: z.string(),
      reason: z.string().nullable(),
      actor: z.string(),
      at,
    }),
  ),
});

export const StatusChanged = z.object({
  from: SubscriberStatus,
  to: SubscriberStatus,
  /** Sessions the NAS acknowledged ending. */
  disconnected: z.number(),
});

export const ImportResult = z.object({ imported: z.number() });

const planFields = {
  id: z.uuid(),
  name: z.string(),
  downloadKbps: z.number(),
  uploadKbps: z.number(),
  burstDownloadKbps: z.number().nullable(),
  burstUploadKbps: z.number().nullable(),
  dataCapBytes: z.number().nullable(),
  capMode: CapMode,
  priceMinor: z.number(),
  currency: z.string(),
  billingCycle: BillingCycle,
  billingMode: BillingMode,
  overagePerGbMinor: z.number().nullable(),
  active: z.boolean(),
  vendorAttributes: z.record(z.string(), z.string()),
};

export const Plan = z.object(planFields);
/** A plan in the list, with how many subscribers (not terminated) are on it. */
export const PlanListItem = z.object({ ...planFields, subscribers: z.number() });

/** A NAS as it may be shown: everything but its secret. */
export const Nas = z.object({
  id: z.uuid(),
  name: z.string(),
  network: z.string(),
  vendor: z.string(),
  coaPort: z.number(),
  requireMessageAuthenticator: z.boolean(),
  createdAt: at,
});

export const OnlineSession = z.object({
  id: z.string(),
  username: z.string(),
  subscriberId: z.uuid().nullable(),
  name: z.string().nullable(),
  nas: z.string(),
  framedIp: z.string().nullable(),
  startedAt: at,
  inputOctets: z.number(),
  outputOctets: z.number(),
});

/**
 * What the NAS answered to an RFC 5176 request: ack, nak (with its Error-Cause), timeout or error;
 * `via` says which request it was (a reauthorization may end in a Disconnect-Request).
 */
export const DisconnectResult = z.object({
  outcome: z.string(),
  via: z.enum(["coa", "disconnect"]).optional(),
  errorCause: z.string().optional(),
});

export const Device = z.object({
  id: z.uuid(),
  serial: z.string(),
  model: z.string(),
  mac: z.string().nullable(),
  genieacsId: z.string().nullable(),
  subscriberId: z.uuid().nullable(),
});
export const DeviceListItem = Device.extend({ subscriber: z.string().nullable() });

export const StaffDisabled = z.object({ id: z.uuid(), disabledAt: at.nullable(), sessionsEnded: z.number() });

export const Created = z.object({ id: z.uuid() });

export type StaffMember = z.infer<typeof StaffMember>;
export type StaffListItem = z.infer<typeof StaffListItem>;
export type DashboardStats = z.infer<typeof DashboardStats>;
export type SubscriberListItem = z.infer<typeof SubscriberListItem>;
export type SubscriberPage = z.infer<typeof SubscriberPage>;
export type SubscriberCreated = z.infer<typeof SubscriberCreated>;
export type SubscriberDetail = z.infer<typeof SubscriberDetail>;
export type StatusChanged = z.infer<typeof StatusChanged>;
export type ImportResult = z.infer<typeof ImportResult>;
export type Plan = z.infer<typeof Plan>;
export type PlanListItem = z.infer<typeof PlanListItem>;
export type Nas = z.infer<typeof Nas>;
export type OnlineSession = z.infer<typeof OnlineSession>;
export type DisconnectResult = z.infer<typeof DisconnectResult>;
export type Device = z.infer<typeof Device>;
export type DeviceListItem = z.infer<typeof DeviceListItem>;
export type StaffDisabled = z.infer<typeof StaffDisabled>;
export type Created = z.infer<typeof Created>;
