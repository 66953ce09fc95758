import { z } from "zod";
import { PlatformPermission } from "./permissions.ts";
import { TenantSlug } from "./slug.ts";
import { NasCidrs } from "./tenant-spec.ts";
import { PlanTier } from "./tiers.ts";

/** A mandatory policy rule a plan broke, as the engine words it. */
export const PolicyViolation = z.object({ rule: z.string(), message: z.string() });
export type PolicyViolation = z.infer<typeof PolicyViolation>;

/** RFC 9457 problem details, with the field errors of a rejected input. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  /** The permission a 403 was missing. */
  permission: z.string().optional(),
  /** The policy rules a 422 broke. */
  violations: z.array(PolicyViolation).optional(),
});
export type Problem = z.infer<typeof Problem>;

export const TenantStatus = z.enum(["provisioning", "active", "suspended", "failed", "deleting", "deleted"]);
export type TenantStatus = z.infer<typeof TenantStatus>;

export const OperationKind = z.enum([
  "create",
  "update",
  "suspend",
  "resume",
  "destroy",
  "preview",
  "refresh",
  "fleet",
]);
export type OperationKind = z.infer<typeof OperationKind>;

/**
 * How long one attempt of each kind may run before it is cancelled and the operation fails with
 * that reason: a hung provider call or a wait on a resource that never becomes ready ends there,
 * not after hours. A fleet rollout runs its tenants' operations in waves, so it gets the most.
 */
export const OPERATION_DEADLINE_SECONDS: Readonly<Record<OperationKind, number>> = {
  create: 30 * 60,
  update: 30 * 60,
  suspend: 15 * 60,
  resume: 15 * 60,
  destroy: 30 * 60,
  preview: 10 * 60,
  refresh: 10 * 60,
  fleet: 6 * 3600,
};

export const OperationStatus = z.enum(["queued", "running", "succeeded", "failed", "cancelled"]);
export type OperationStatus = z.infer<typeof OperationStatus>;

/** What a tenant stack exports (stacks/tenant.ts), kept on the tenant after each run. */
export const TenantOutputs = z.record(z.string(), z.unknown());

/** One resource of a preview or drift check, as the engine reports it. */
export const ResourceStep = z.object({ urn: z.string(), name: z.string(), type: z.string(), op: z.string() });
export type ResourceStep = z.infer<typeof ResourceStep>;

export const Operation = z.object({
  id: z.uuid(),
  tenantId: z.uuid().nullable(),
  parentId: z.uuid().nullable(),
  kind: OperationKind,
  status: OperationStatus,
  requestedBy: z.string(),
  error: z.string().nullable(),
  attempt: z.int(),
  /** Kind-specific input and result: the change applied, a preview's diff, a fleet's progress. */
  request: z.unknown().nullable(),
  result: z.unknown().nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  startedAt: z.iso.datetime({ offset: true }).nullable(),
  finishedAt: z.iso.datetime({ offset: true }).nullable(),
});
export type Operation = z.infer<typeof Operation>;

export const Tenant = z.object({
  id: z.uuid(),
  slug: TenantSlug,
  displayName: z.string(),
  plan: PlanTier,
  status: TenantStatus,
  spec: z.record(z.string(), z.unknown()),
  outputs: TenantOutputs.nullable(),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  lastOperation: Operation.pick({ id: true, kind: true, status: true, createdAt: true }).nullable(),
});
export type Tenant = z.infer<typeof Tenant>;

/** A row of the tenants list: what a table shows, without the spec and outputs. */
export const TenantSummary = Tenant.omit({ spec: true, outputs: true }).extend({
  seats: z.int(),
  appUrl: z.string().nullable(),
});
export type TenantSummary = z.infer<typeof TenantSummary>;

export const TenantPage = z.object({ items: z.array(TenantSummary), nextCursor: z.string().nullable() });

export const OperationAccepted = z.object({
  operationId: z.uuid(),
  tenantId: z.uuid().nullable(),
  status: OperationStatus,
});

/** One engine event of an operation, as stored and streamed (`id` is the SSE event id). */
export const OperationEvent = z.object({
  seq: z.int(),
  type: z.string(),
  payload: z.unknown(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type OperationEvent = z.infer<typeof OperationEvent>;

/** What an operation's event log holds: small, stable shapes the UI and CI read. */
export type StoredEvent =
  | { type: "status"; payload: { status: string; message?: string } }
  | {
      type: "resource";
      payload: {
        urn: string;
        name: string;
        resourceType: string;
        op: string;
        state: "started" | "done" | "failed";
      };
    }
  | { type: "diagnostic"; payload: { severity: string; message: string; urn?: string } }
  | {
      type: "policy";
      payload: { rule: string; pack: string; level: string; message: string; urn?: string };
    }
  | { type: "summary"; payload: { changes: Record<string, number>; durationSeconds: number } };

/** An event as the API answers it (GET /operations/{id}/events, and each SSE message's data). */
export type StoredOperationEvent = StoredEvent & Omit<OperationEvent, "type" | "payload">;

export const FleetRolloutRequest = z
  .object({
    /** The isp-ops image every selected tenant moves to (registry/name:tag or @sha256 digest). */
    images: z.record(z.string(), z.string()).optional(),
    plan: PlanTier.optional(),
    /** Tenant slugs; all live tenants when absent. */
    tenants: z.array(TenantSlug).min(1).max(1000).optional(),
    parallelism: z.int().min(1).max(32).default(4),
    stopOnFailure: z.boolean().default(false),
  })
  .strict()
  .refine((r) => r.images !== undefined || r.plan !== undefined, {
    message: "name what to roll out: images or plan",
  });

export const FeatureFlag = z.object({
  key: z.string(),
  enabled: z.boolean(),
  tenantId: z.uuid().nullable(),
  updatedAt: z.iso.datetime({ offset: true }),
});

export const FlagKey = z
  .string()
  .regex(
    /^[a-z][a-zA-Z0-9_.-]{1,63}$/,
    "a flag key is 2-64 letters, digits, '.', '_' or '-', starting with a lower-case letter",
  );

export const Licence = z.object({
  tenantId: z.uuid(),
  seats: z.int().min(1),
  validUntil: z.iso.datetime({ offset: true }).nullable(),
});

/**
 * What a tenant's apps run by: its flags (plan features among them, see the automation API's
 * tenantFlags), its plan and its licence. isp-ops reads it with the tenant's own credential.
 */
export const TenantEntitlements = z.object({
  tenant: z.string(),
  plan: PlanTier,
  flags: z.record(z.string(), z.boolean()),
  licence: Licence.omit({ tenantId: true }).nullable(),
  /** The admin the spec names, and when the platform last asked for their invitation to be mailed. */
  admin: z
    .object({ name: z.string(), email: z.string(), invitedAt: z.iso.datetime({ offset: true }) })
    .nullable(),
});
export type TenantEntitlements = z.infer<typeof TenantEntitlements>;

export const ApiTokenRequest = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(PlatformPermission).min(1),
    /** Days until it stops working; at most a year. */
    expiresInDays: z.int().min(1).max(365).default(90),
  })
  .strict();

export const ApiToken = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  expiresAt: z.iso.datetime({ offset: true }),
  lastUsedAt: z.iso.datetime({ offset: true }).nullable(),
  revokedAt: z.iso.datetime({ offset: true }).nullable(),
  createdAt: z.iso.datetime({ offset: true }),
});

/** Who an audit entry says acted: a person, a CI token, a tenant's isp-ops, or the platform itself. */
export const AuditActorType = z.enum(["user", "token", "tenant", "system"]);
export type AuditActorType = z.infer<typeof AuditActorType>;

export const AuditEntry = z.object({
  id: z.int(),
  at: z.iso.datetime({ offset: true }),
  actorType: AuditActorType,
  actorId: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  requestId: z.string().nullable(),
});

/** A page of the audit log, newest first. */
export const AuditPage = z.object({ items: z.array(AuditEntry), nextCursor: z.int().nullable() });
export type AuditPage = z.infer<typeof AuditPage>;

export const LoginRequest = z
  .object({ email: z.email().max(254), password: z.string().min(1).max(1024) })
  .strict();

export const Me = z.object({
  kind: z.enum(["user", "token", "tenant"]),
  id: z.uuid(),
  name: z.string(),
  permissions: z.array(z.string()),
});

/** The whole list of a tenant's NAS networks, as its isp-ops knows them (it replaces the spec's). */
export const NasNetworks = z.object({ nasCidrs: NasCidrs }).strict();

/** The list as stored (sorted, once each), and the update that deploys it when it changed. */
export const NasNetworksResult = z.object({
  nasCidrs: z.array(z.string()),
  operationId: z.uuid().nullable(),
});
