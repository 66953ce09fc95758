import { z } from "zod";
import { Cidr, IpAddress } from "./net.ts";
import { type PlanVendorAttribute, planVendorAttributes } from "./radius-dictionary.ts";
import { BillingCycle, BillingMode, CapMode, StaffPermission, SubscriberStatus } from "./subscribers.ts";

const trimmed = (max: number) => z.string().trim().min(1).max(max);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => (s === "" ? null : s))
    .nullish();

/** A MAC address as routers print it (colons, dashes or none), stored lower-case with colons. */
export const MacAddress = z
  .string()
  .trim()
  .transform((s) => {
    const lower = s.toLowerCase().replaceAll("-", ":");
    return /^[0-9a-f]{12}$/.test(lower) ? (lower.match(/../g) ?? []).join(":") : lower;
  })
  .pipe(z.mac({ error: "expected a MAC address such as 00:1a:2b:3c:4d:5e" }));

/** A RADIUS login: what the subscriber's router sends as User-Name. */
export const RadiusUsername = z
  .string()
  .trim()
  .min(3)
  .max(64)
  .regex(/^[A-Za-z0-9._@+-]+$/, { message: "letters, digits and . _ @ + - only" });

/** A RADIUS password: sealed at rest, never shown again once set. */
export const RadiusPassword = z.string().min(8).max(128);

export const SubscriberCreate = z
  .object({
    name: trimmed(200),
    email: z
      .email()
      .max(254)
      .nullish()
      .or(z.literal("").transform(() => null)),
    phone: optionalText(40),
    serviceAddress: trimmed(500),
    planId: z.uuid().nullish(),
    staticIp: IpAddress.nullish().or(z.literal("").transform(() => null)),
    username: RadiusUsername,
    password: RadiusPassword,
  })
  .strict();
export type SubscriberCreate = z.infer<typeof SubscriberCreate>;

export const SubscriberUpdate = SubscriberCreate.omit({ username: true, password: true }).partial().strict();
export type SubscriberUpdate = z.infer<typeof SubscriberUpdate>;

export const StatusChange = z
  .object({
    to: SubscriberStatus,
    reason: z.string().trim().max(500).optional(),
  })
  .strict()
  .refine((c) => c.to !== "suspended" || (c.reason?.length ?? 0) > 0, {
    message: "say why the subscriber is suspended",
    path: ["reason"],
  });
export type StatusChange = z.infer<typeof StatusChange>;

export const CredentialReset = z.object({ password: RadiusPassword }).strict();

export const SubscriberQuery = z.object({
  q: z.string().trim().max(200).optional(),
  status: SubscriberStatus.optional(),
  planId: z.uuid().optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type SubscriberQuery = z.infer<typeof SubscriberQuery>;

const day = z.iso.date({ error: "expected a date such as 2026-12-07" });

/** The tenant's audit log, filtered; a page at a time, newest first (`before` is the cursor). */
export const TenantAuditQuery = z.object({
  actor: z.string().trim().max(254).optional().describe("a staff member's e-mail, or an actor's id"),
  action: z.string().trim().max(100).optional().describe("an action, or its start (billing.)"),
  from: day.optional().describe("the first day (UTC)"),
  to: day.optional().describe("the last day (UTC)"),
  before: z.coerce.number().int().min(1).optional().describe("entries older than this id"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type TenantAuditQuery = z.infer<typeof TenantAuditQuery>;

export const VendorAttributes = z
  .partialRecord(
    z.enum(Object.keys(planVendorAttributes) as [PlanVendorAttribute, ...PlanVendorAttribute[]]),
    z.string().trim().min(1).max(253),
  )
  .superRefine((attributes, ctx) => {
    for (const [name, value] of Object.entries(attributes)) {
      const integer = planVendorAttributes[name as PlanVendorAttribute].type === "integer";
      // RADIUS integers are 32-bit unsigned.
      if (integer && !(/^\d{1,10}$/.test(value ?? "") && Number(value) <= 4_294_967_295)) {
        ctx.addIssue({ code: "custom", path: [name], message: `${name} is a whole number up to 4294967295` });
      }
    }
  });

export const PlanCreate = z
  .object({
    name: trimmed(100),
    downloadKbps: z.number().int().min(64).max(100_000_000),
    uploadKbps: z.number().int().min(64).max(100_000_000),
    burstDownloadKbps: z.number().int().positive().nullish(),
    burstUploadKbps: z.number().int().positive().nullish(),
    dataCapBytes: z.number().int().positive().nullish(),
    capMode: CapMode.default("hard"),
    priceMinor: z.number().int().min(0).max(100_000_000),
    currency: z.string().regex(/^[A-Z]{3}$/, { message: "an ISO 4217 code such as EUR" }),
    billingCycle: BillingCycle.default("monthly"),
    billingMode: BillingMode.default("prepaid"),
    /** Postpaid plans with a cap: the price of each GB (10^9 octets) begun over it in a period. */
    overagePerGbMinor: z.number().int().min(1).max(100_000_000).nullish(),
    sessionTimeoutSeconds: z.number().int().positive().nullish(),
    interimIntervalSeconds: z.number().int().min(60).max(86_400).default(300),
    vendorAttributes: VendorAttributes.default({}),
  })
  .strict()
  .refine((p) => !p.burstDownloadKbps || p.burstDownloadKbps >= p.downloadKbps, {
    message: "burst is at least the plan's speed",
    path: ["burstDownloadKbps"],
  })
  .refine((p) => !p.burstUploadKbps || p.burstUploadKbps >= p.uploadKbps, {
    message: "burst is at least the plan's speed",
    path: ["burstUploadKbps"],
  })
  .refine((p) => !p.overagePerGbMinor || (p.billingMode === "postpaid" && p.dataCapBytes), {
    message: "usage over a cap is charged on postpaid plans with a data cap",
    path: ["overagePerGbMinor"],
  });
export type PlanCreate = z.infer<typeof PlanCreate>;

export const StaffLogin = z
  .object({ email: z.email().max(254), password: z.string().min(1).max(1024) })
  .strict();

/**
 * One open session isp-ops asks its tenant's RADIUS server to act on: end it (POST
 * /control/disconnect, on a suspension) or bring it in line with the subscriber's standing (POST
 * /control/reauthorize, into or out of the walled garden), with an RFC 5176 request to its NAS.
 */
export const SessionDisconnectRequest = z
  .object({
    nasId: z.uuid(),
    nasIp: IpAddress,
    username: z.string().min(1).max(253),
    acctSessionId: z.string().min(1).max(253),
    framedIp: IpAddress.nullable(),
  })
  .strip();
export type SessionDisconnectRequest = z.infer<typeof SessionDisconnectRequest>;

/** The bearer token isp-ops presents to the RADIUS control endpoint: SecretBox.derive() of this. */
export const RADIUS_CONTROL_PURPOSE = "radius-control";

export const NasVendor = z.enum(["mikrotik", "cisco", "juniper", "huawei", "nokia", "other"]);
export type NasVendor = z.infer<typeof NasVendor>;
const nasFields = {
  name: trimmed(100),
  network: Cidr,
  vendor: NasVendor,
  secret: z.string().min(12).max(128),
  coaPort: z.number().int().min(1).max(65_535),
  requireMessageAuthenticator: z.boolean(),
};

/** A router or OLT allowed to talk RADIUS; its shared secret is sealed and never shown again. */
export const NasCreate = z
  .object({
    ...nasFields,
    vendor: nasFields.vendor.default("mikrotik"),
    coaPort: nasFields.coaPort.default(3799),
    requireMessageAuthenticator: nasFields.requireMessageAuthenticator.default(true),
  })
  .strict();
export type NasCreate = z.infer<typeof NasCreate>;

/**
 * A change to a NAS: any of its settings, at least one. A new secret (a rotation) replaces the
 * old one on every RADIUS replica at once; there is no overlap, so change the router alongside.
 */
export const NasUpdate = z
  .object(nasFields)
  .partial()
  .strict()
  .refine((u) => Object.keys(u).length > 0, { message: "nothing to change" });
export type NasUpdate = z.infer<typeof NasUpdate>;

/** A CPE or ONU, optionally linked to GenieACS and to the subscriber it serves. */
export const DeviceCreate = z
  .object({
    serial: trimmed(64),
    model: trimmed(100),
    mac: MacAddress.nullish().or(z.literal("").transform(() => null)),
    genieacsId: optionalText(200),
    subscriberId: z
      .uuid()
      .nullish()
      .or(z.literal("").transform(() => null)),
  })
  .strict();
export type DeviceCreate = z.infer<typeof DeviceCreate>;

/** A staff member and the role (a named set of permissions) they get. */
export const StaffCreate = z
  .object({
    email: z.email().max(254),
    displayName: trimmed(200),
    password: z.string().min(12).max(1024),
    role: trimmed(50),
    permissions: z.array(StaffPermission).min(1),
  })
  .strict();
export type StaffCreate = z.infer<typeof StaffCreate>;

/** An invited staff member's password, set with the e-mailed link's token. */
export const StaffPasswordSet = z
  .object({ token: z.string().min(20).max(200), password: StaffCreate.shape.password })
  .strict();
export type StaffPasswordSet = z.infer<typeof StaffPasswordSet>;
