import { fieldErrors } from "@dotmac/contracts";
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Principal } from "../auth/principal.ts";
import { problem } from "./problem.ts";

export interface AppEnv {
  Variables: {
    requestId: string;
    principal: Principal | undefined;
  };
}

/** Every router shares one validation hook: a rejected input is a 400 naming each bad field. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    strict: false,
    defaultHook: (result, c) => {
      if (!result.success) {
        return problem(c, 400, {
          detail: `the request's ${result.target} is invalid`,
          errors: fieldErrors(result.error),
        });
      }
    },
  });
}
