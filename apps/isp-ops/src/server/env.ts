import { parseOrThrow } from "@dotmac/contracts";
import { IspOpsProcessEnv, IspOpsTenantEnv } from "@dotmac/contracts/app-env";

/** The process's environment, read here and nowhere else in isp-ops (Biome's noProcessEnv). */
export const hostEnv: Readonly<Record<string, string | undefined>> = process.env;

export const ispOpsProcessEnv = (env = hostEnv): IspOpsProcessEnv =>
  parseOrThrow(IspOpsProcessEnv, env, "isp-ops environment");

/** One tenant's settings: the process's own (a tenant's deployment), or a local tenant's from its file. */
export const ispOpsTenantEnv = (env = hostEnv): IspOpsTenantEnv =>
  parseOrThrow(IspOpsTenantEnv, env, "isp-ops tenant environment");
