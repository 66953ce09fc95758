import { z } from "zod";
import { Cidr, Hostname, PinnedImage } from "./net.ts";
import { TenantSlug } from "./slug.ts";
import { Feature, PlanTier, tiers } from "./tiers.ts";

/** Where a tenant's database lives. */
export const DatabaseTarget = z.discriminatedUnion("target", [
  /** A database and role on an existing Postgres server (local, and shared starter fleets). */
  z.object({ target: z.literal("postgres") }),
  /** Amazon RDS for PostgreSQL inside the cluster's VPC. */
  z.object({
    target: z.literal("aws"),
    vpcId: z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "expected a VPC id such as vpc-0a1b2c3d"),
    subnetIds: z
      .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, "expected a subnet id such as subnet-0a1b2c3d"))
      .min(2, "RDS needs subnets in at least two availability zones"),
    /** Only the cluster's nodes may reach the database. */
    clusterCidrs: z.array(Cidr).min(1),
  }),
  /** Cloud SQL for PostgreSQL on a private IP in the cluster's VPC network. */
  z.object({
    target: z.literal("gcp"),
    project: z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "expected a GCP project id"),
    network: z.string().min(1, "the VPC network's self link or name"),
  }),
]);
export type DatabaseTarget = z.infer<typeof DatabaseTarget>;

export const defaultImages = {
  ispOps: "registry.dotmac.io/dotmac/isp-ops:1.0.0",
  radius: "registry.dotmac.io/dotmac/radius:1.0.0",
  genieacs: "registry.dotmac.io/dotmac/genieacs:1.2.13",
  mongodb: "registry.dotmac.io/library/mongo:7.0.14",
  // Ours: Debian's Prometheus on our base (dotmac-dev images build makes it with the apps').
  prometheus: "registry.dotmac.io/dotmac/prometheus:2.42.0",
  grafana: "registry.dotmac.io/grafana/grafana:11.2.0",
} as const;

const Images = z
  .object({
    ispOps: PinnedImage.default(defaultImages.ispOps),
    radius: PinnedImage.default(defaultImages.radius),
    genieacs: PinnedImage.default(defaultImages.genieacs),
    mongodb: PinnedImage.default(defaultImages.mongodb),
    prometheus: PinnedImage.default(defaultImages.prometheus),
    grafana: PinnedImage.default(defaultImages.grafana),
  })
  .strict();

const Branding = z
  .object({
    /** Shown in the app header and the customer portal; the display name when absent. */
    name: z.string().trim().min(1).max(100).optional(),
    logoUrl: z
      .url({ protocol: /^https$/, message: "the logo must be an https:// URL" })
      .max(2048)
      .optional(),
    primaryColor: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, "expected a colour such as #0066CC")
      .default("#0066CC"),
  })
  .strict();

/** Networks of the ISP's NAS devices: the only sources RADIUS accepts packets from. */
export const NasCidrs = z.array(Cidr).max(50, "at most 50 NAS networks");

const tenantSpecFields = {
  slug: TenantSlug,
  /** Stable id assigned by the platform; the stack's labels carry it. */
  tenantId: z.uuid(),
  displayName: z.string().trim().min(1, "a display name is required").max(100),
  plan: PlanTier,
  seats: z.int("seats must be a whole number").min(1, "seats must be at least 1"),
  /** When absent, the plan's defaults. */
  features: z.array(Feature).optional(),
  database: DatabaseTarget.default({ target: "postgres" }),
  /** Cloud region for the database (e.g. eu-west-1, europe-west1); "local" for the postgres target. */
  region: z
    .string()
    .regex(/^[a-z0-9-]{2,32}$/, "expected a region such as eu-west-1")
    .default("local"),
  /** The app is served at <slug>.isp.<baseDomain>. */
  baseDomain: Hostname.default("dotmac.io"),
  customDomains: z.array(Hostname).max(10).default([]),
  branding: Branding.default({ primaryColor: "#0066CC" }),
  images: Images.default(defaultImages),
  nasCidrs: NasCidrs.default([]),
  /** The ISP's first isp-ops admin, e-mailed an invitation to set a password once the tenant is up. */
  admin: z
    .object({
      name: z.string().trim().min(1, "the admin's name is required").max(100),
      email: z.email("expected an e-mail address").max(254),
    })
    .strict()
    .optional(),
};

type SpecForChecks = {
  slug: string;
  plan: PlanTier;
  seats: number;
  features?: Feature[] | undefined;
  baseDomain: string;
  customDomains: string[];
  database: { target: string };
  region: string;
};

/** Rules across fields: what the plan allows, and domains and regions that fit together. */
function checkTenantSpec(spec: SpecForChecks, ctx: z.RefinementCtx) {
  const tier = tiers[spec.plan];
  if (spec.seats > tier.maxSeats) {
    ctx.addIssue({
      code: "custom",
      path: ["seats"],
      message: `the ${spec.plan} plan allows at most ${tier.maxSeats} seats`,
    });
  }
  for (const [i, feature] of (spec.features ?? []).entries()) {
    if (!tier.allowedFeatures.includes(feature)) {
      ctx.addIssue({
        code: "custom",
        path: ["features", i],
        message: `${feature} is not available on the ${spec.plan} plan`,
      });
    }
  }
  if (new Set(spec.features ?? []).size !== (spec.features ?? []).length) {
    ctx.addIssue({ code: "custom", path: ["features"], message: "features are listed once each" });
  }
  const appHost = `${spec.slug}.isp.${spec.baseDomain}`;
  for (const [i, domain] of spec.customDomains.entries()) {
    const problem =
      domain === appHost || spec.customDomains.indexOf(domain) !== i
        ? `${domain} is listed twice`
        : domain === `admin.${spec.baseDomain}`
          ? `${domain} is reserved for the platform`
          : domain.endsWith(`.isp.${spec.baseDomain}`)
            ? `${domain} is under .isp.${spec.baseDomain}, which holds tenants' own addresses`
            : undefined;
    if (problem) ctx.addIssue({ code: "custom", path: ["customDomains", i], message: problem });
  }
  if (spec.database.target === "postgres" && spec.region !== "local") {
    ctx.addIssue({
      code: "custom",
      path: ["region"],
      message: 'the postgres database target has no cloud region; use "local"',
    });
  }
}

/**
 * Everything that defines one ISP tenant. The automation API validates it on the way in, the
 * tenant stack program validates it again from stack config, and the stamp is built from it.
 */
export const TenantSpec = z.object(tenantSpecFields).strict().superRefine(checkTenantSpec);

/** What an onboarding request carries: a spec without the id the platform assigns. */
const { tenantId: _assigned, ...requestFields } = tenantSpecFields;
export const TenantSpecRequest = z.object(requestFields).strict().superRefine(checkTenantSpec);
export type TenantSpecRequest = z.input<typeof TenantSpecRequest>;

/** The parts of a live tenant an admin may change; everything else is fixed at onboarding. */
export const TenantSpecChange = z
  .object({
    displayName: tenantSpecFields.displayName.optional(),
    plan: PlanTier.optional(),
    seats: tenantSpecFields.seats.optional(),
    features: z.array(Feature).nullable().optional(),
    customDomains: z.array(Hostname).max(10).optional(),
    branding: Branding.optional(),
    /** Only the images named change (a fleet rollout names isp-ops alone). */
    images: z
      .object(Object.fromEntries(Object.keys(defaultImages).map((k) => [k, PinnedImage.optional()])))
      .strict()
      .optional(),
    nasCidrs: NasCidrs.optional(),
  })
  .strict()
  .refine((change) => Object.keys(change).length > 0, { message: "the change is empty" });
export type TenantSpecChange = z.input<typeof TenantSpecChange>;

/** A spec with a change applied; the result must still be a valid spec (parse it again). */
export function applySpecChange(spec: TenantSpec, change: z.output<typeof TenantSpecChange>): unknown {
  const { features, images, ...rest } = change;
  const next: Record<string, unknown> = { ...spec, ...rest, images: { ...spec.images, ...images } };
  if (features === null) delete next.features;
  else if (features !== undefined) next.features = features;
  return next;
}

/** A spec as written by a person or sent to the API (defaults not yet applied). */
export type TenantSpecInput = z.input<typeof TenantSpec>;
/** A validated spec with every default applied. */
export type TenantSpec = z.output<typeof TenantSpec>;

/** The features a tenant runs: those it asked for, or its plan's defaults. */
export function effectiveFeatures(spec: Pick<TenantSpec, "plan" | "features">): ReadonlySet<Feature> {
  return new Set(spec.features ?? tiers[spec.plan].defaultFeatures);
}

/**
 * Where the tenant's Grafana is served: a host of its own, never under the app's origin (a script
 * injected into a dashboard would otherwise call the staff API with the staff's cookie). A slug
 * has no dots, so no tenant's app host can be it, and custom domains under .isp. are refused.
 */
export function grafanaHost(spec: Pick<TenantSpec, "slug" | "baseDomain">): string {
  return `grafana.${spec.slug}.isp.${spec.baseDomain}`;
}

/** Host names the tenant's app answers on. */
export function tenantHosts(spec: Pick<TenantSpec, "slug" | "baseDomain" | "customDomains">): string[] {
  return [`${spec.slug}.isp.${spec.baseDomain}`, ...spec.customDomains];
}
