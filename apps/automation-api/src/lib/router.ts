import { createRouter as apiRouter } from "@dotmac/http/router";
import type { AppEnv } from "../auth/principal.ts";

/** A router of this API's: the shared validation hook, with the caller in its context. */
export const createRouter = () => apiRouter<AppEnv>();
