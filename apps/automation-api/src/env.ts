import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseOrThrow } from "@dotmac/contracts";
import { AutomationApiEnv } from "@dotmac/contracts/app-env";
import { z } from "zod";

// The repository in a checkout, /app in the image: stacks/ and components/ sit under it in both.
const repoRoot = resolve(fileURLToPath(import.meta.url), "../../../..");

const ApiEnv = AutomationApiEnv.extend({
  DOTMAC_PROGRAM: z.string().min(1).default(resolve(repoRoot, "stacks/index.ts")),
  DOTMAC_POLICY_PACK: z.string().min(1).default(resolve(repoRoot, "components/policy")),
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

const CreateAdminEnv = AutomationApiEnv.pick({ DATABASE_URL: true }).extend({
  /** The new admin's password; one is generated (and shown once) when absent. */
  DOTMAC_ADMIN_PASSWORD: z.string().min(12).optional(),
});

/** What `dotmac-api create-admin` reads: the platform database, and the password if given. */
export const createAdminEnv = (env: NodeJS.ProcessEnv = process.env) =>
  parseOrThrow(CreateAdminEnv, env, "create-admin environment");
