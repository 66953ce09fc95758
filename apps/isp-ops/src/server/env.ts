import { parseOrThrow } from "@dotmac/contracts";
import { IspOpsProcessEnv, IspOpsTenantEnv } from "@dotmac/contracts/app-env";

export const ispOpsProcessEnv = (env: Record<string, string | undefined> = process.env): IspOpsProcessEnv =>
  parseOrThrow(IspOpsProcessEnv, env, "isp-ops environment");

export const ispOpsTenantEnv = (env: Record<string, string | undefined>): IspOpsTenantEnv =>
  parseOrThrow(IspOpsTenantEnv, env, "isp-ops tenant environment");
