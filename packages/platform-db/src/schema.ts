import {
  type AuditActorType,
  OperationKind,
  OperationStatus,
  type PlanTier,
  TenantStatus,
} from "@dotmac/contracts";
import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/** Notified with an operation's id at each new event or status of it (migration 0008). */
export const OPERATION_CHANNEL = "operation_changes";

const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();

// The value lists live in the contracts (the API's schemas); the checks below hold the table to them.
export const tenantStatuses = TenantStatus.options;
export const operationKinds = OperationKind.options;
export const operationStatuses = OperationStatus.options;

const oneOf = (column: string, values: readonly string[]) =>
  sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(", ")})`);

/** One ISP tenant: its spec (contracts.TenantSpec), where it stands, and its stack's outputs. */
export const tenants = pgTable(
  "tenants",
  {
    id: uuid().primaryKey().defaultRandom(),
    slug: text().notNull(),
    displayName: text().notNull(),
    plan: text().$type<PlanTier>().notNull(),
    status: text().$type<TenantStatus>().notNull().default("provisioning"),
    spec: jsonb().notNull(),
    outputs: jsonb(),
    /**
     * When the platform last asked for the spec's admin to be mailed an invitation (at onboarding,
     * and each resend); the tenant's isp-ops reads it with its entitlements and mails each once.
     */
    adminInvitedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: createdAt(),
  },
  (t) => [
    // A deleted tenant's slug may be taken again.
    uniqueIndex("tenants_slug_live").on(t.slug).where(sql`status <> 'deleted'`),
    index("tenants_status_plan").on(t.status, t.plan),
    index("tenants_created").on(t.createdAt, t.id),
    // Search by any part of the slug or name (ILIKE '%…%') without reading every row.
    index("tenants_slug_trgm").using("gin", t.slug.op("gin_trgm_ops")),
    index("tenants_name_trgm").using("gin", t.displayName.op("gin_trgm_ops")),
    check("tenants_status_known", oneOf("status", tenantStatuses)),
  ],
);

/** A change to a stack, queued, run by a worker under a lease, and finished once. */
export const operations = pgTable(
  "operations",
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: uuid().references(() => tenants.id),
    /** Fleet rollouts are one parent operation over one child per tenant. */
    parentId: uuid(),
    kind: text().$type<OperationKind>().notNull(),
    status: text().$type<OperationStatus>().notNull().default("queued"),
    requestedBy: text().notNull(),
    idempotencyKey: text(),
    /** What the key was sent with (method, path, body): a key reused on another request is refused. */
    idempotencyFingerprint: text(),
    request: jsonb(),
    /** What the run produced: a preview's changes, a fleet's per-tenant progress, a summary. */
    result: jsonb(),
    error: text(),
    attempt: integer().notNull().default(0),
    /**
     * Attempts a replica handed back unfinished as it shut down: they count as no attempt against
     * the limit (the attempt number itself only grows: it fences runs).
     */
    handedBack: integer().notNull().default(0),
    /** Renewed by the replica running it; a lapsed lease means that replica died. */
    leaseExpiresAt: timestamp({ withTimezone: true }),
    /** Set by a cancel; the replica running it sees it at its next heartbeat and interrupts. */
    cancelRequestedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex("operations_idempotency").on(t.requestedBy, t.idempotencyKey),
    // At most one running operation per tenant stack.
    uniqueIndex("operations_one_running").on(t.tenantId).where(sql`status = 'running'`),
    index("operations_tenant_created").on(t.tenantId, t.createdAt),
    index("operations_parent").on(t.parentId),
    check("operations_kind_known", oneOf("kind", operationKinds)),
    check("operations_status_known", oneOf("status", operationStatuses)),
  ],
);

/** The engine's events of one operation, numbered so a stream can resume from Last-Event-ID. */
export const operationEvents = pgTable(
  "operation_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    operationId: uuid()
      .notNull()
      .references(() => operations.id, { onDelete: "cascade" }),
    seq: integer().notNull(),
    type: text().notNull(),
    payload: jsonb().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("operation_events_seq").on(t.operationId, t.seq)],
);

/** Feature flags: a global value (no tenant), and per-tenant overrides. */
export const featureFlags = pgTable(
  "feature_flags",
  {
    id: uuid().primaryKey().defaultRandom(),
    key: text().notNull(),
    tenantId: uuid().references(() => tenants.id, { onDelete: "cascade" }),
    enabled: boolean().notNull(),
    updatedAt: createdAt(),
  },
  // One global row per key (NULLS NOT DISTINCT) and one override per tenant.
  (t) => [unique("feature_flags_key_tenant").on(t.key, t.tenantId).nullsNotDistinct()],
);

/** A tenant's licence: how many staff seats it has paid for, until when. */
export const licences = pgTable(
  "licences",
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    seats: integer().notNull(),
    validUntil: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("licences_tenant").on(t.tenantId), check("licences_seats_positive", sql`seats > 0`)],
);

/** People who run the platform. Passwords are stored as hashes only. */
export const platformUsers = pgTable(
  "platform_users",
  {
    id: uuid().primaryKey().defaultRandom(),
    email: text().notNull(),
    displayName: text().notNull(),
    passwordHash: text().notNull(),
    permissions: text().array().notNull().default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    disabledAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex("platform_users_email").on(sql`lower(${t.email})`)],
);

/** A signed-in person's session; the cookie carries the secret, the table only its hash. */
export const platformSessions = pgTable(
  "platform_sessions",
  {
    id: uuid().primaryKey().defaultRandom(),
    tokenHash: text().notNull(),
    userId: uuid()
      .notNull()
      .references(() => platformUsers.id, { onDelete: "cascade" }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("platform_sessions_hash").on(t.tokenHash),
    index("platform_sessions_user").on(t.userId),
  ],
);

/** Tokens for CI: shown once, stored as a hash, scoped, expiring. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid().primaryKey().defaultRandom(),
    name: text().notNull(),
    /** The first characters, so a person can tell tokens apart without the secret. */
    prefix: text().notNull(),
    tokenHash: text().notNull(),
    scopes: text().array().notNull(),
    createdBy: uuid()
      .notNull()
      .references(() => platformUsers.id),
    /** The token that made this one, if a token did: it never outlives it, and dies with it. */
    parentTokenId: uuid(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("api_tokens_hash").on(t.tokenHash)],
);

/**
 * What a tenant's own apps use to call the platform: bound to one tenant, scoped, stored as a
 * hash. The secret lives in the tenant stack's encrypted config (from which its isp-ops gets it)
 * and nowhere else; a new one revokes the old.
 */
export const tenantCredentials = pgTable(
  "tenant_credentials",
  {
    id: uuid().primaryKey().defaultRandom(),
    tenantId: uuid()
      .notNull()
      .references(() => tenants.id),
    prefix: text().notNull(),
    tokenHash: text().notNull(),
    scopes: text().array().notNull(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("tenant_credentials_hash").on(t.tokenHash),
    // One live credential per tenant.
    uniqueIndex("tenant_credentials_live").on(t.tenantId).where(sql`revoked_at is null`),
  ],
);

/** Every admin action: who, what, on what, before and after. Append-only. */
export const auditLogs = pgTable(
  "audit_logs",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    at: createdAt(),
    actorType: text().$type<AuditActorType>().notNull(),
    actorId: text().notNull(),
    action: text().notNull(),
    targetType: text().notNull(),
    targetId: text(),
    before: jsonb(),
    after: jsonb(),
    requestId: text(),
  },
  (t) => [
    index("audit_logs_at").on(t.at),
    index("audit_logs_target").on(t.targetType, t.targetId, t.at),
    index("audit_logs_actor").on(t.actorId, t.at),
    check("audit_logs_actor_type", oneOf("actor_type", ["user", "token", "tenant", "system"])),
  ],
);
