import { parseOrThrow } from "@dotmac/contracts";
import { RadiusEnv } from "@dotmac/contracts/app-env";

export const radiusEnv = (env: NodeJS.ProcessEnv = process.env): RadiusEnv =>
  parseOrThrow(RadiusEnv, env, "RADIUS server environment");
