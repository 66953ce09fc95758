import { z } from "zod";

export const PlanTier = z.enum(["starter", "professional", "enterprise"]);
export type PlanTier = z.infer<typeof PlanTier>;

/** Parts of a tenant that can be switched on or off. */
export const Feature = z.enum(["radius", "genieacs", "grafana", "customerPortal"]);
export type Feature = z.infer<typeof Feature>;

/**
 * Features an app switches while it runs, read as the platform's flags of the same name, not parts
 * the stamp deploys: a flag can turn one off for every tenant or one, within seconds.
 */
export const runtimeFeatures = ["customerPortal"] as const satisfies readonly Feature[];
export type RuntimeFeature = (typeof runtimeFeatures)[number];

export interface Resources {
  readonly cpu: string;
  readonly memory: string;
}

export interface TierSpec {
  readonly tier: PlanTier;
  /** isp-ops container requests and limits (the seed's "ISP Operations Limits"). */
  readonly ispOps: { readonly requests: Resources; readonly limits: Resources };
  /** The namespace's ResourceQuota (the seed's tenant-quota is the professional row). */
  readonly quota: {
    readonly requestsCpu: string;
    readonly requestsMemory: string;
    readonly limitsCpu: string;
    readonly limitsMemory: string;
    readonly persistentVolumeClaims: number;
    readonly loadBalancers: number;
    readonly pods: number;
  };
  /** The LimitRange defaults given to a container that declares none. */
  readonly containerDefaults: { readonly requests: Resources; readonly limits: Resources };
  readonly hpa: { readonly minReplicas: number; readonly maxReplicas: number };
  readonly database: {
    readonly storageGb: number;
    readonly awsInstanceClass: string;
    readonly gcpTier: string;
    /** RDS Multi-AZ / Cloud SQL REGIONAL. */
    readonly highlyAvailable: boolean;
    readonly backupRetentionDays: number;
    /**
     * The tenant role's CONNECTION LIMIT on a shared Postgres server (the `postgres` target), so
     * one tenant cannot take the connections every other tenant on it needs.
     */
    readonly connectionLimit: number;
    /** Each pod's pool: what `connectionBudget` adds up and checks against the limit. */
    readonly pools: { readonly ispOps: number; readonly radius: number };
  };
  /** Features this tier may turn on, and the ones it turns on when the spec says nothing. */
  readonly allowedFeatures: readonly Feature[];
  readonly defaultFeatures: readonly Feature[];
  readonly maxSeats: number;
}

/**
 * Every number that differs between plans, in one place. isp-ops sizes and the HPA bounds come
 * from the seed (DEPLOYMENT_MODEL.md: "Resource Limits", "Horizontal Pod Autoscaling", Scenario 4).
 * The seed's single tenant quota (4 CPU requested) could not hold its own HPA at full scale
 * (5 replicas x 1 CPU), so each quota here is sized to hold the tier's isp-ops at maxReplicas plus
 * every other part it runs; tiers.test.ts checks that sum.
 */
export const tiers: Readonly<Record<PlanTier, TierSpec>> = {
  starter: {
    tier: "starter",
    ispOps: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } },
    quota: {
      requestsCpu: "2",
      requestsMemory: "4Gi",
      limitsCpu: "6",
      limitsMemory: "8Gi",
      persistentVolumeClaims: 5,
      loadBalancers: 1,
      pods: 30,
    },
    containerDefaults: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "256Mi" } },
    hpa: { minReplicas: 1, maxReplicas: 2 },
    database: {
      storageGb: 20,
      awsInstanceClass: "db.t3.small",
      gcpTier: "db-custom-1-3840",
      highlyAvailable: false,
      backupRetentionDays: 7,
      connectionLimit: 50,
      pools: { ispOps: 5, radius: 4 },
    },
    allowedFeatures: ["radius", "grafana", "customerPortal"],
    defaultFeatures: ["radius", "grafana", "customerPortal"],
    maxSeats: 25,
  },
  professional: {
    tier: "professional",
    ispOps: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } },
    quota: {
      requestsCpu: "8",
      requestsMemory: "16Gi",
      limitsCpu: "16",
      limitsMemory: "32Gi",
      persistentVolumeClaims: 10,
      loadBalancers: 2,
      pods: 60,
    },
    containerDefaults: {
      requests: { cpu: "100m", memory: "128Mi" },
      limits: { cpu: "500m", memory: "512Mi" },
    },
    hpa: { minReplicas: 1, maxReplicas: 5 },
    database: {
      storageGb: 100,
      awsInstanceClass: "db.t3.large",
      gcpTier: "db-custom-2-7680",
      highlyAvailable: false,
      backupRetentionDays: 14,
      connectionLimit: 100,
      pools: { ispOps: 7, radius: 8 },
    },
    allowedFeatures: ["radius", "genieacs", "grafana", "customerPortal"],
    defaultFeatures: ["radius", "genieacs", "grafana", "customerPortal"],
    maxSeats: 250,
  },
  enterprise: {
    tier: "enterprise",
    ispOps: { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" } },
    quota: {
      requestsCpu: "24",
      requestsMemory: "48Gi",
      limitsCpu: "48",
      limitsMemory: "96Gi",
      persistentVolumeClaims: 20,
      loadBalancers: 4,
      pods: 150,
    },
    containerDefaults: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    hpa: { minReplicas: 2, maxReplicas: 10 },
    database: {
      storageGb: 500,
      awsInstanceClass: "db.r5.2xlarge",
      gcpTier: "db-custom-8-30720",
      highlyAvailable: true,
      backupRetentionDays: 30,
      connectionLimit: 200,
      pools: { ispOps: 9, radius: 16 },
    },
    allowedFeatures: ["radius", "genieacs", "grafana", "customerPortal"],
    defaultFeatures: ["radius", "genieacs", "grafana", "customerPortal"],
    maxSeats: 10_000,
  },
};

export interface ComponentSize {
  /** The feature that switches the part on. */
  readonly feature: Feature;
  readonly replicas: number;
  readonly requests: Resources;
  readonly limits: Resources;
}

/** Requests and limits of the parts besides isp-ops, per replica (the same on every tier). */
export const componentResources = {
  radius: {
    feature: "radius",
    replicas: 2,
    requests: { cpu: "100m", memory: "128Mi" },
    limits: { cpu: "500m", memory: "256Mi" },
  },
  /** Four processes (cwmp, nbi, fs, ui), one container each. */
  genieacs: {
    feature: "genieacs",
    replicas: 4,
    requests: { cpu: "100m", memory: "256Mi" },
    limits: { cpu: "500m", memory: "512Mi" },
  },
  mongodb: {
    feature: "genieacs",
    replicas: 1,
    requests: { cpu: "250m", memory: "512Mi" },
    limits: { cpu: "1", memory: "1Gi" },
  },
  prometheus: {
    feature: "grafana",
    replicas: 1,
    requests: { cpu: "200m", memory: "512Mi" },
    limits: { cpu: "500m", memory: "1Gi" },
  },
  grafana: {
    feature: "grafana",
    replicas: 1,
    requests: { cpu: "100m", memory: "128Mi" },
    limits: { cpu: "500m", memory: "512Mi" },
  },
} as const satisfies Record<string, ComponentSize>;

/** The billing run's pool (`dotmac-isp-ops billing-run`, one Job at a time). */
export const BILLING_RUN_POOL = 2;

/**
 * The most connections a tenant's parts can hold at once, which must fit under its connection
 * limit: each pod its pool, one more for LISTEN (postgres.js gives it a connection of its own) and
 * one for the migrations it runs as it starts, and isp-ops one more for its metrics' subscriber
 * counts; a rolling update runs one pod more than the replicas; isp-ops at its HPA's maximum; the
 * billing run; and three kept for an operator's psql and a backup's dump.
 */
export function connectionBudget(tier: TierSpec): number {
  const radius = tier.allowedFeatures.includes("radius")
    ? (componentResources.radius.replicas + 1) * (tier.database.pools.radius + 2)
    : 0;
  const ispOps = (tier.hpa.maxReplicas + 1) * (tier.database.pools.ispOps + 3);
  return radius + ispOps + BILLING_RUN_POOL + 2 + 3;
}

/** Kubernetes quantities to numbers: CPU in cores, memory in bytes. */
export function parseQuantity(q: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  if (!m) throw new Error(`not a Kubernetes quantity: ${q}`);
  const n = Number(m[1]);
  const unit = m[2] ?? "";
  const factor: Record<string, number> = {
    "": 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
  };
  return n * (factor[unit] ?? Number.NaN);
}
