import { parseOrThrow } from "@dotmac/contracts";
import { z } from "zod";

const RadiusEnv = z.object({
  DATABASE_URL: z.url({
    protocol: /^postgres(ql)?$/,
    message: "expected the tenant database's postgres:// URL",
  }),
  /** base64 of 32 bytes: opens RADIUS passwords and NAS secrets (the same key isp-ops seals with). */
  TENANT_SECRETS_KEY: z.string().min(40, "base64 of 32 random bytes (openssl rand -base64 32)"),
  RADIUS_HOST: z.string().default("0.0.0.0"),
  RADIUS_AUTH_PORT: z.coerce.number().int().min(0).max(65535).default(1812),
  RADIUS_ACCT_PORT: z.coerce.number().int().min(0).max(65535).default(1813),
  RADIUS_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9812),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});
export type RadiusEnv = z.output<typeof RadiusEnv>;

export const radiusEnv = (env: NodeJS.ProcessEnv = process.env): RadiusEnv =>
  parseOrThrow(RadiusEnv, env, "RADIUS server environment");
