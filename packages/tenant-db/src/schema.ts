// Long file: the core tables of a tenant database with their indexes and constraints, read by drizzle-kit as one schema; billing is apart.
import {
  BillingCycle,
  BillingMode,
  CapMode,
  type NasVendor,
  StaffPermission,
  SubscriberStatus,
  TenantAuditActorType,
} from "@dotmac/contracts";
import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  check,
  cidr,
  index,
  inet,
  integer,
  jsonb,
  macaddr,
  pgSequence,
  pgTable,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { bytea, createdAt, oneOf } from "./columns.ts";

// Every permission a role may hold (checked by the app; listed here for the record).
export const staffPermissions = StaffPermission.options;

/** Named sets of permissions (admin, support, billing …); staff get one role each. */
export const staffRoles = pgTable("staff_roles", {
  id: uuid().primaryKey().defaultRandom(),
  name: text().notNull().unique(),
  permissions: text().array().$type<StaffPermission[]>().notNull(),
  createdAt: createdAt(),
});

/** The ISP's own people. Passwords are stored as hashes only. */
export const staffUsers = pgTable(
  "staff_users",
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    displayName: text().notNull(),
    /** Null until an invited member sets one through their e-mailed link: nobody signs in as them. */
    passwordHash: text(),
    roleId: uuid()
      .notNull()
      .references(() => staffRoles.id),
    createdAt: createdAt(),
    disabledAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex("staff_users_email").on(sql`lower(${t.email})`)],
);

export const staffSessions = pgTable(
  "staff_sessions",
  {
    id: uuid().primaryKey().defaultRandom(),
    tokenHash: text().notNull(),
    userId: uuid()
      .notNull()
      .references(() => staffUsers.id, { onDelete: "cascade" }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("staff_sessions_hash").on(t.tokenHash), index("staff_sessions_user").on(t.userId)],
);

/**
 * A staff member's single-use link to set their password (an invitation): only the token's hash
 * is kept; it works once, before it expires, and a newer one for the same member replaces it.
 */
export const staffLinks = pgTable(
  "staff_links",
  {
    id: uuid().primaryKey().defaultRandom(),
    tokenHash: text().notNull(),
    userId: uuid()
      .notNull()
      .references(() => staffUsers.id, { onDelete: "cascade" }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("staff_links_hash").on(t.tokenHash), index("staff_links_user").on(t.userId)],
);

/**
 * The platform's requests to invite the tenant's first admin (its entitlements' `admin.invitedAt`),
 * each taken by one replica: the key makes every request mailed once, however many pods hear it.
 */
export const platformInvitations = pgTable("platform_invitations", {
  invitedAt: timestamp({ withTimezone: true }).primaryKey(),
  email: text().notNull(),
  handledAt: createdAt(),
});

/** What a subscriber buys: speeds, burst, cap, price and the vendor attributes a NAS needs. */
export const servicePlans = pgTable(
  "service_plans",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull().unique(),
    downloadKbps: integer().notNull(),
    uploadKbps: integer().notNull(),
    burstDownloadKbps: integer(),
    burstUploadKbps: integer(),
    /** Average rate under which burst is allowed, and the window it is averaged over. */
    burstThresholdPercent: smallint(),
    burstSeconds: integer(),
    /** Octets per billing cycle; no cap when null. */
    dataCapBytes: bigint({ mode: "number" }),
    capMode: text().$type<CapMode>().notNull().default("hard"),
    priceMinor: integer().notNull(),
    currency: text().notNull(),
    billingCycle: text().$type<BillingCycle>().notNull().default("monthly"),
    billingMode: text().$type<BillingMode>().notNull().default("prepaid"),
    /** Postpaid with a cap: the price of each GB begun over the cap in a period. */
    overagePerGbMinor: integer(),
    sessionTimeoutSeconds: integer(),
    interimIntervalSeconds: integer().notNull().default(300),
    /** Extra reply attributes for a vendor, e.g. {"Mikrotik-Address-List": "fibre"}. */
    vendorAttributes: jsonb().$type<Record<string, string>>().notNull().default({}),
    active: boolean().notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    check("service_plans_speeds", sql`${t.downloadKbps} > 0 and ${t.uploadKbps} > 0`),
    check(
      "service_plans_burst",
      sql`(${t.burstDownloadKbps} is null or ${t.burstDownloadKbps} >= ${t.downloadKbps})
      and (${t.burstUploadKbps} is null or ${t.burstUploadKbps} >= ${t.uploadKbps})`,
    ),
    check("service_plans_price", sql`${t.priceMinor} >= 0`),
    check("service_plans_currency", sql`${t.currency} ~ '^[A-Z]{3}$'`),
    check("service_plans_cycle", oneOf("billing_cycle", BillingCycle.options)),
    check("service_plans_cap_mode", oneOf("cap_mode", CapMode.options)),
    check("service_plans_billing_mode", oneOf("billing_mode", BillingMode.options)),
    check(
      "service_plans_overage",
      sql`${t.overagePerGbMinor} is null or (${t.overagePerGbMinor} > 0 and ${t.billingMode} = 'postpaid' and ${t.dataCapBytes} is not null)`,
    ),
  ],
);

/** Account numbers count up per tenant (one database per tenant), never reused. */
export const accountNumbers = pgSequence("subscriber_account_number", { startWith: 100001 });

/** A household or business the ISP connects. Designed for 500,000 per tenant. */
export const subscribers = pgTable(
  "subscribers",
  {
    id: uuid().primaryKey().defaultRandom(),
    accountNumber: bigint({ mode: "number" }).notNull().default(sql`nextval('subscriber_account_number')`),
    name: text().notNull(),
    email: text(),
    phone: text(),
    serviceAddress: text().notNull(),
    status: text().$type<SubscriberStatus>().notNull().default("pending"),
    planId: uuid().references(() => servicePlans.id),
    /** A fixed address RADIUS hands out as Framed-IP-Address. */
    staticIp: inet(),
    createdAt: createdAt(),
    updatedAt: createdAt(),
  },
  (t) => [
    uniqueIndex("subscribers_account_number").on(t.accountNumber),
    uniqueIndex("subscribers_static_ip").on(t.staticIp),
    // The list page: newest first within a status, and the plan filter.
    index("subscribers_status_created").on(t.status, t.createdAt),
    index("subscribers_status_plan_created").on(t.status, t.planId, t.createdAt),
    index("subscribers_plan_created").on(t.planId, t.createdAt),
    index("subscribers_created").on(t.createdAt, t.id),
    // Search any part of a name; exact e-mail and phone.
    index("subscribers_name_trgm").using("gin", t.name.op("gin_trgm_ops")),
    index("subscribers_email").on(sql`lower(${t.email})`),
    index("subscribers_phone").on(t.phone),
    check("subscribers_status_known", oneOf("status", SubscriberStatus.options)),
  ],
);

/** Every status change: who, when, why. */
export const subscriberStatusHistory = pgTable(
  "subscriber_status_history",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    subscriberId: uuid()
      .notNull()
      .references(() => subscribers.id, { onDelete: "cascade" }),
    fromStatus: text().$type<SubscriberStatus>(),
    toStatus: text().$type<SubscriberStatus>().notNull(),
    reason: text(),
    actor: text().notNull(),
    at: createdAt(),
  },
  (t) => [index("subscriber_status_history_subscriber").on(t.subscriberId, t.at)],
);

/**
 * How a subscriber's router logs in. The password is encrypted (AES-256-GCM), not hashed: CHAP
 * and MS-CHAPv2 need the cleartext on the server. No API or page ever returns it.
 */
export const radiusCredentials = pgTable(
  "radius_credentials",
  {
    subscriberId: uuid()
      .primaryKey()
      .references(() => subscribers.id, { onDelete: "cascade" }),
    username: text().notNull(),
    passwordEncrypted: bytea().notNull(),
    updatedAt: createdAt(),
  },
  (t) => [uniqueIndex("radius_credentials_username").on(t.username)],
);

/** Notified (empty payload) after any change to nas_clients, by a trigger (migration 0004). */
export const NAS_CLIENTS_CHANNEL = "dotmac_nas_clients";

/** Routers and OLTs allowed to talk RADIUS to this tenant: looked up by source address. */
export const nasClients = pgTable(
  "nas_clients",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull().unique(),
    network: cidr().notNull(),
    vendor: text().$type<NasVendor>().notNull().default("mikrotik"),
    secretEncrypted: bytea().notNull(),
    coaPort: integer().notNull().default(3799),
    /** Blast-RADIUS mitigation: refuse Access-Requests without a Message-Authenticator. */
    requireMessageAuthenticator: boolean().notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("nas_clients_network").on(t.network),
    index("nas_clients_network_gist").using("gist", t.network.op("inet_ops")),
    check("nas_clients_coa_port", sql`${t.coaPort} between 1 and 65535`),
  ],
);

/**
 * One accounting session (FreeRADIUS's radacct): opened by Start, moved on by Interim-Update,
 * closed by Stop or Accounting-On/Off. Designed for 10 million rows per tenant.
 */
export const accountingSessions = pgTable(
  "accounting_sessions",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    nasId: uuid()
      .notNull()
      .references(() => nasClients.id),
    acctSessionId: text().notNull(),
    subscriberId: uuid().references(() => subscribers.id, { onDelete: "set null" }),
    username: text().notNull(),
    nasIp: inet().notNull(),
    nasPort: text(),
    framedIp: inet(),
    callingStationId: text(),
    startedAt: timestamp({ withTimezone: true }).notNull(),
    updatedAt: timestamp({ withTimezone: true }).notNull(),
    stoppedAt: timestamp({ withTimezone: true }),
    sessionSeconds: integer().notNull().default(0),
    /** Totals with the Gigawords folded in (64-bit). */
    inputOctets: bigint({ mode: "number" }).notNull().default(0),
    outputOctets: bigint({ mode: "number" }).notNull().default(0),
    terminateCause: text(),
    // What a stock FreeRADIUS writes through the radacct view; our server leaves these empty.
    acctUniqueId: text(),
    realm: text(),
    nasPortType: text(),
    acctAuthentic: text(),
    connectInfoStart: text(),
    connectInfoStop: text(),
    calledStationId: text(),
    serviceType: text(),
    framedProtocol: text(),
    framedIpv6Address: inet(),
    framedIpv6Prefix: inet(),
    framedInterfaceId: text(),
    delegatedIpv6Prefix: inet(),
    acctInterval: integer(),
  },
  (t) => [
    // Retransmissions and out-of-order packets land on the same row.
    uniqueIndex("accounting_sessions_nas_session").on(t.nasId, t.acctSessionId),
    // FreeRADIUS's key (ON CONFLICT (AcctUniqueId)); null for our server's rows.
    uniqueIndex("accounting_sessions_acct_unique_id").on(t.acctUniqueId),
    // "Online now": small partial indexes over open sessions only.
    index("accounting_sessions_open_username").on(t.username).where(sql`stopped_at is null`),
    index("accounting_sessions_open_framed_ip").on(t.framedIp).where(sql`stopped_at is null`),
    index("accounting_sessions_open_nas").on(t.nasId).where(sql`stopped_at is null`),
    // A subscriber's sessions and usage, newest first.
    index("accounting_sessions_subscriber").on(t.subscriberId, t.startedAt),
    // Time-range scans (traffic today) over an append-mostly table.
    index("accounting_sessions_started_brin").using("brin", t.startedAt),
  ],
);

/** CPE and ONUs, linked to GenieACS and to the subscriber they serve. */
export const devices = pgTable(
  "devices",
  {
    id: uuid().primaryKey().defaultRandom(),
    serial: text().notNull(),
    model: text().notNull(),
    mac: macaddr(),
    genieacsId: text(),
    subscriberId: uuid().references(() => subscribers.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("devices_serial").on(t.serial),
    uniqueIndex("devices_mac").on(t.mac),
    uniqueIndex("devices_genieacs").on(t.genieacsId),
    index("devices_subscriber").on(t.subscriberId),
  ],
);

/** Every staff action: who, what, on what, before and after. Append-only. */
export const auditLogs = pgTable(
  "audit_logs",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    at: createdAt(),
    actorType: text().$type<TenantAuditActorType>().notNull(),
    actorId: text().notNull(),
    action: text().notNull(),
    targetType: text().notNull(),
    targetId: text(),
    before: jsonb(),
    after: jsonb(),
  },
  (t) => [
    index("audit_logs_at").on(t.at),
    index("audit_logs_target").on(t.targetType, t.targetId, t.at),
    check("audit_logs_actor_type", oneOf("actor_type", TenantAuditActorType.options)),
  ],
);
