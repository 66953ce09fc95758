import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseOrThrow } from "@dotmac/contracts";
import { z } from "zod";

const repoRoot = resolve(fileURLToPath(import.meta.url), "../../../..");

const ApiEnv = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, message: "expected a postgres:// URL" }),
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Operations run at once by this replica; each replica takes its own share of the queue. */
  DOTMAC_API_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Where each stack's Pulumi workspace (project file and stack config) lives. */
  DOTMAC_WORKSPACES_DIR: z.string().min(1),
  /** The Pulumi program every stack runs: the repo's stacks/ (the one `pulumi up` runs by hand). */
  DOTMAC_PROGRAM: z.string().default(resolve(repoRoot, "stacks/index.ts")),
  DOTMAC_POLICY_PACK: z.string().default(resolve(repoRoot, "components/policy")),
  /** The Postgres server tenant databases are created on (the postgres database target). */
  DOTMAC_TENANT_POSTGRES_URL: z.string().optional(),
  /** ClusterIP where no load balancer exists (local clusters). */
  DOTMAC_RADIUS_SERVICE_TYPE: z.enum(["LoadBalancer", "ClusterIP"]).default("LoadBalancer"),
  PULUMI_BACKEND_URL: z.string().min(1),
  /** Passphrase secrets by default; with a KMS URL (awskms://…, gcpkms://…) the passphrase is not used. */
  PULUMI_CONFIG_PASSPHRASE: z.string().optional(),
  DOTMAC_SECRETS_PROVIDER: z.string().optional(),
  /** Runs that die with their replica are retried this many times in all, then failed. */
  DOTMAC_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  DOTMAC_LEASE_SECONDS: z.coerce.number().int().min(5).max(600).default(30),
  /** Cookies get `Secure` when the API is served over https. */
  DOTMAC_PUBLIC_URL: z.url().optional(),
  /** Creates the first admin when the platform has no users yet (never a built-in password). */
  DOTMAC_BOOTSTRAP_ADMIN_EMAIL: z.email().optional(),
  DOTMAC_BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12, "at least 12 characters").optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});
export type ApiEnv = z.output<typeof ApiEnv>;

/** The service's settings from the environment, every one checked at start. */
export function apiEnv(env: NodeJS.ProcessEnv = process.env): ApiEnv {
  const parsed = parseOrThrow(ApiEnv, env, "automation API environment");
  if (!parsed.PULUMI_CONFIG_PASSPHRASE && !parsed.DOTMAC_SECRETS_PROVIDER) {
    throw new Error("set PULUMI_CONFIG_PASSPHRASE, or DOTMAC_SECRETS_PROVIDER to a KMS URL");
  }
  return parsed;
}
