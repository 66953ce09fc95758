import { z } from "zod";
import { SizingProfile, StackPlacement } from "./placement.ts";
import { OperationKind } from "./platform-api.ts";
import { PulumiBackendUrl } from "./pulumi-backend.ts";
import { TenantSlug } from "./slug.ts";

/**
 * The environment of each app, as its stamp's Deployment gives it and the app reads it: a contract
 * between components/ (which writes it) and apps/ (which parse it at start). The stamps' tests
 * parse every Deployment's environment with these, strictly, so a misspelt or missing variable
 * fails CI instead of a pod.
 */

/** A postgres:// URL, with its credentials (from a Secret). */
const postgresUrl = (what: string) =>
  z.url({ protocol: /^postgres(ql)?$/, message: `expected ${what} postgres:// URL` });
/** A TCP or UDP port to listen on. */
const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
/** pino's log level. */
const logLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info");
/** `true` or `false`. */
const flag = z
  .enum(["true", "false"])
  .default("false")
  .transform((v) => v === "true");
/** base64 of 32 bytes: seals RADIUS passwords and NAS secrets (isp-ops seals, RADIUS opens). */
const tenantSecretsKey = z.string().min(40, "base64 of 32 random bytes (openssl rand -base64 32)");
/** The keys TENANT_SECRETS_KEY replaced, newest first, comma-separated: read until re-sealed. */
const previousSecretsKeys = z
  .string()
  .regex(
    /^([A-Za-z0-9+/_=-]{40,})?(,[A-Za-z0-9+/_=-]{40,})*$/,
    "comma-separated keys, each base64 of 32 bytes",
  )
  .default("");
/** Connections this process keeps to the tenant database: the stamp sizes it by plan (`pools`). */
const databasePoolSize = (fallback: number) => z.coerce.number().int().min(1).max(100).default(fallback);

export const RadiusEnv = z.object({
  DATABASE_URL: postgresUrl("the tenant database's"),
  TENANT_SECRETS_KEY: tenantSecretsKey,
  TENANT_SECRETS_PREVIOUS_KEYS: previousSecretsKeys,
  DATABASE_POOL_SIZE: databasePoolSize(16),
  /** Named in every log line. */
  TENANT_SLUG: TenantSlug.optional(),
  /** The address the RADIUS and metrics sockets bind to. */
  RADIUS_HOST: z.string().default("0.0.0.0"),
  RADIUS_AUTH_PORT: port(1812),
  RADIUS_ACCT_PORT: port(1813),
  RADIUS_METRICS_PORT: port(9812),
  /** Disconnect requests from isp-ops (POST /control/disconnect). */
  RADIUS_CONTROL_PORT: port(9813),
  /** Requests worked on at once; more are dropped and counted (`overload`), never queued without bound. */
  RADIUS_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100_000).default(512),
  /** Access-Rejects say why ("account suspended") instead of one generic message: for lab setups only. */
  RADIUS_REPLY_REASONS: flag,
  LOG_LEVEL: logLevel,
});

/** The isp-ops process: where it listens, and (local development) the file naming every tenant it serves. */
export const IspOpsProcessEnv = z.object({
  /** The address to listen on. */
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: port(3000),
  /** Prometheus metrics, apart from the app's port (which the Ingress publishes). */
  ISP_OPS_METRICS_PORT: port(9464),
  /** Next.js's mode; `production` everywhere but `next dev`. */
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  /** Local development (`npm start`) only: one process serves every tenant in this file by host name. */
  ISP_OPS_TENANTS_FILE: z.string().min(1).optional(),
  /**
   * Browsers reach isp-ops over plain HTTP on an address other than localhost: the staff session
   * cookie then loses `Secure` and its `__Host-` name. Never in production.
   */
  ISP_OPS_PLAIN_HTTP: flag,
  /** A staff admin created at start unless that e-mail is staff already (never a built-in password). */
  ISP_OPS_BOOTSTRAP_ADMIN_EMAIL: z.email().optional(),
  ISP_OPS_BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12, "at least 12 characters").optional(),
});

/** One tenant, as its TenantStamp configures the isp-ops Deployment (ConfigMap and Secrets). */
export const IspOpsTenantEnv = z.object({
  DATABASE_URL: postgresUrl("the tenant database's"),
  TENANT_SECRETS_KEY: tenantSecretsKey,
  TENANT_SECRETS_PREVIOUS_KEYS: previousSecretsKeys,
  DATABASE_POOL_SIZE: databasePoolSize(10),
  /** The tenant's slug: names it in logs, metrics and mail. */
  TENANT_SLUG: TenantSlug.default("local"),
  /** The name staff and subscribers see (branding); the display name when absent. */
  NEXT_PUBLIC_TENANT_NAME: z.string().optional(),
  /** The tenant's logo, an https URL (branding). */
  NEXT_PUBLIC_TENANT_LOGO_URL: z.union([z.literal(""), z.url({ protocol: /^https$/ })]).default(""),
  /** The tenant's colour (branding). */
  NEXT_PUBLIC_PRIMARY_COLOR: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, "a colour such as #0057b8")
    .default("#0057b8"),
  /**
   * The tenant's own address, the base of every link it mails (portal passwords, tickets) and of
   * Stripe's return: never the request's Host, which whoever calls chooses.
   */
  TENANT_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The tenant's RADIUS control endpoint: suspensions end live sessions through it. */
  RADIUS_CONTROL_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The SMTP relay the tenant's mail goes through, its credentials in the URL (a Secret). */
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  /** Who the tenant's mail is from, e.g. "Fibre Co <billing@fibre.example>". */
  MAIL_FROM: z.string().min(3).max(320).optional(),
  /** The tenant's own Stripe account (a Secret): card payments through Stripe Checkout. */
  STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\w+$/, "a Stripe secret key (sk_…)")
    .optional(),
  /** The signing secret of the tenant's Stripe webhook endpoint (a Secret). */
  STRIPE_WEBHOOK_SECRET: z.string().startsWith("whsec_", "a webhook signing secret (whsec_…)").optional(),
  /** Another address for Stripe's API: stripe-mock, locally and in tests. */
  STRIPE_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The automation API, and the tenant's credential for it: NAS networks are reported there. */
  PLATFORM_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** The tenant's credential for the automation API (a Secret): NAS networks are reported with it. */
  PLATFORM_API_TOKEN: z.string().startsWith("dmt_", "a tenant credential (dmt_…)").optional(),
});

export const PlatformAdminEnv = z.object({
  /** The address to listen on. */
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: port(3001),
  /** Next.js's mode; `production` everywhere but `next dev`. */
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  /** The automation API; the browser never talks to it directly, only through this app. */
  AUTOMATION_API_URL: z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:8080"),
});

export const AutomationApiEnv = z.object({
  DATABASE_URL: postgresUrl("the platform database's"),
  /** The address to listen on. */
  HOST: z.string().default("127.0.0.1"),
  PORT: port(8080),
  /** Operations run at once by this replica; each replica takes its own share of the queue. */
  DOTMAC_API_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Where each stack's Pulumi workspace (project file and stack config) lives: a writable folder. */
  DOTMAC_WORKSPACES_DIR: z.string().min(1),
  /** The Pulumi program every stack runs (the repository's stacks/ when unset). */
  DOTMAC_PROGRAM: z.string().min(1).optional(),
  /** The CrossGuard pack every run applies (the repository's components/policy when unset). */
  DOTMAC_POLICY_PACK: z.string().min(1).optional(),
  /** The Postgres server tenant databases are created on (the postgres database target). */
  DOTMAC_TENANT_POSTGRES_URL: postgresUrl("the tenant database server's admin").optional(),
  /** The host tenant pods reach that server on, when it is not the admin URL's (a local cluster's). */
  DOTMAC_TENANT_POSTGRES_APP_HOST: z.string().min(1).optional(),
  /** ClusterIP where no load balancer exists (local clusters). */
  DOTMAC_RADIUS_SERVICE_TYPE: z.enum(["LoadBalancer", "ClusterIP"]).default("LoadBalancer"),
  /** The cluster's StackPlacement as JSON, given to every tenant stack as `dotmac:placement`. */
  DOTMAC_PLACEMENT: z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "expected JSON" });
        return z.NEVER;
      }
    })
    .pipe(StackPlacement)
    .optional(),
  /** Given to every tenant stack as `dotmac:sizing`. */
  DOTMAC_SIZING: SizingProfile.optional(),
  /** The URL tenants' isp-ops reach this API on (in a cluster, its Service's); unset, they cannot report NAS networks. */
  DOTMAC_PLATFORM_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  /**
   * Each tenant's public address, {slug} standing for its slug (locally http://{slug}.localhost:3000);
   * unset, each tenant's own first host name over https.
   */
  DOTMAC_TENANT_URL: z
    .string()
    .regex(/^https?:\/\/\S*\{slug\}\S*$/, "an http(s) URL naming {slug}, e.g. https://{slug}.isp.example.net")
    .optional(),
  /** The SMTP relay tenants mail through (credentials in the URL); unset, tenants send no mail. */
  DOTMAC_TENANT_SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  /** The relay's port as tenant pods reach it (opened in their network policy): the URL's when unset. */
  DOTMAC_TENANT_SMTP_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
  /** Each tenant's sender address, {slug} standing for the tenant's slug, e.g. billing@{slug}.example.net. */
  DOTMAC_TENANT_MAIL_FROM: z
    .string()
    .regex(/^[^\s<>@]+@[^\s<>@]+$/, "an address such as billing@{slug}.example.net")
    .default("billing@{slug}.localhost"),
  /**
   * A Stripe account the platform takes every tenant's card payments through (a platform account;
   * locally, stripe-mock's): its secret key, webhook signing secret, and its API's address when it
   * is not Stripe's own. Unset, each tenant stack carries its ISP's own (`dotmac:stripeSecretKey`).
   */
  DOTMAC_TENANT_STRIPE_SECRET_KEY: z
    .string()
    .regex(/^(sk|rk)_(test|live)_\w+$/, "a Stripe secret key (sk_…)")
    .optional(),
  DOTMAC_TENANT_STRIPE_WEBHOOK_SECRET: z
    .string()
    .startsWith("whsec_", "a webhook signing secret (whsec_…)")
    .optional(),
  DOTMAC_TENANT_STRIPE_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  PULUMI_BACKEND_URL: PulumiBackendUrl,
  /** The Pulumi CLI's own folder (plugin locks, workspace settings): read by the engine the API runs. */
  PULUMI_HOME: z.string().min(1).optional(),
  /** Passphrase secrets by default; with a KMS URL (awskms://…, gcpkms://…) the passphrase is not used. */
  PULUMI_CONFIG_PASSPHRASE: z.string().min(1).optional(),
  /** A KMS URL sealing tenant stacks' secrets (AWS or GCP); without it, PULUMI_CONFIG_PASSPHRASE. */
  DOTMAC_SECRETS_PROVIDER: z.string().min(1).optional(),
  /** Runs that die with their replica are retried this many times in all, then failed. */
  DOTMAC_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /** How long a run's lease lasts without renewal before a survivor may take the operation over. */
  DOTMAC_LEASE_SECONDS: z.coerce.number().int().min(5).max(600).default(30),
  /**
   * On SIGTERM, how long runs in flight may go on before they are cancelled and handed back to the
   * queue (no attempt spent). Keep it, plus a cancelled run's wind-down, under the pod's grace.
   */
  DOTMAC_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().min(0).max(3600).default(15),
  /** Deadlines other than OPERATION_DEADLINE_SECONDS', as `kind=seconds,…` (e.g. `create=3600`). */
  DOTMAC_OPERATION_DEADLINES: z
    .string()
    .transform((s, ctx) => {
      const entries = s
        .split(",")
        .filter((p) => p.trim())
        .map((p) => p.split("=").map((x) => x.trim()));
      const parsed = z
        .partialRecord(
          OperationKind,
          z.coerce
            .number()
            .int()
            .min(1)
            .max(7 * 24 * 3600),
        )
        .safeParse(Object.fromEntries(entries));
      if (!parsed.success || entries.some((e) => e.length !== 2)) {
        ctx.addIssue({ code: "custom", message: "expected kind=seconds,… with kinds of OperationKind" });
        return z.NEVER;
      }
      return parsed.data;
    })
    .optional(),
  /**
   * Browsers reach the platform over plain HTTP on an address other than localhost: the session
   * cookie then loses `Secure` and its `__Host-` name. Never in production.
   */
  DOTMAC_PLAIN_HTTP: flag,
  /** Creates the first admin when the platform has no users yet (never a built-in password). */
  DOTMAC_BOOTSTRAP_ADMIN_EMAIL: z.email().optional(),
  DOTMAC_BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12, "at least 12 characters").optional(),
  LOG_LEVEL: logLevel,
});

export type RadiusEnv = z.output<typeof RadiusEnv>;
export type IspOpsProcessEnv = z.output<typeof IspOpsProcessEnv>;
export type IspOpsTenantEnv = z.output<typeof IspOpsTenantEnv>;
export type PlatformAdminEnv = z.output<typeof PlatformAdminEnv>;
export type AutomationApiEnv = z.output<typeof AutomationApiEnv>;
