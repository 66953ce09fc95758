import { parseOrThrow } from "@dotmac/contracts";
import { PlatformAdminEnv } from "@dotmac/contracts/app-env";

let parsed: PlatformAdminEnv | undefined;

/** Parsed once: the process's environment does not change under it. */
export const adminEnv = (): PlatformAdminEnv => {
  parsed ??= parseOrThrow(PlatformAdminEnv, process.env, "platform admin environment");
  return parsed;
};
