import { crossOriginRefusal, ValidationError } from "@dotmac/contracts";
import type { Context, Env, Hono, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { requestId } from "hono/request-id";
import { ProblemError, problem } from "./problem.ts";

export interface RequestIdEnv extends Env {
  Variables: { requestId: string };
}

export interface EdgeOptions {
  /** Where the API's routes are; the limits and the origin check apply there. */
  readonly basePath: string;
  /** The largest body taken, for every route or by path (an upload route may take more). */
  readonly maxBodyBytes: number | ((path: string) => number);
  /** Requests that carry no ambient credential (a Bearer token), which another site cannot forge. */
  readonly notAmbient?: (c: Context) => boolean;
  /** Where an unexpected error goes; its message only, never the request's body. */
  readonly logError: (error: Error, context: { requestId: string; path: string }) => void;
  /** Headers a problem of this status carries besides its own (a 401's WWW-Authenticate). */
  readonly problemHeaders?: Partial<Record<number, Record<string, string>>>;
}

/**
 * What stands in front of every API of ours, in this order: a request id of our own (never the
 * caller's: an audit entry's id must not be chosen by whoever made it), a body limit, the
 * cross-origin refusal of state-changing browser requests, and one way of answering errors.
 */
export function installEdge<E extends RequestIdEnv>(app: Hono<E>, options: EdgeOptions): void {
  const { basePath } = options;
  const scope = `${basePath}/*`;
  const limitOf =
    typeof options.maxBodyBytes === "number" ? () => options.maxBodyBytes as number : options.maxBodyBytes;
  const limits = new Map<number, MiddlewareHandler>();
  const limiter = (maxSize: number) => {
    let found = limits.get(maxSize);
    if (!found) {
      found = bodyLimit({
        maxSize,
        onError: (c) => problem(c, 413, { detail: `the body is larger than ${maxSize} bytes` }),
      });
      limits.set(maxSize, found);
    }
    return found;
  };
  app.use(requestId({ headerName: "" }));
  app.use(async (c, next) => {
    await next();
    c.res.headers.set("x-request-id", c.get("requestId"));
  });
  app.use(scope, (c, next) => limiter(limitOf(c.req.path))(c, next));
  app.use(scope, async (c, next) => {
    if (!options.notAmbient?.(c)) {
      const refusal = crossOriginRefusal(c.req.method, c.req.raw.headers, [
        c.req.header("host"),
        c.req.header("x-forwarded-host"),
      ]);
      if (refusal) throw new ProblemError(403, { detail: refusal });
    }
    await next();
  });

  app.onError((error, c) => {
    const answer = (res: Response) => {
      for (const [name, value] of Object.entries(options.problemHeaders?.[res.status] ?? {}))
        res.headers.set(name, value);
      return res;
    };
    if (error instanceof ProblemError) return answer(problem(c, error.status, error.init));
    if (error instanceof ValidationError)
      return answer(problem(c, 400, { detail: error.message.split("\n")[0], errors: error.errors }));
    if (error instanceof HTTPException && error.status < 500) {
      const detail = error.message || "the request could not be read";
      return answer(problem(c, error.status as 400, { detail }));
    }
    options.logError(error, { requestId: c.get("requestId"), path: c.req.path });
    return problem(c, 500, {
      detail: "something went wrong on our side; quote the instance when you report it",
    });
  });
  app.notFound((c) => problem(c, 404, { detail: `no route ${c.req.method} ${c.req.path}` }));
}
