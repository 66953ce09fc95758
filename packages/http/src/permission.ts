import type { Context, Env, MiddlewareHandler } from "hono";
import { ProblemError } from "./problem.ts";

/** A guard's middleware, naming what it asks for (any one of them). */
export type PermissionMiddleware<E extends Env> = MiddlewareHandler<E> & {
  readonly permissions: readonly string[];
};

export interface PermissionGuard<P extends string, E extends Env> {
  readonly whoIs: (c: Context<E>) => { readonly permissions: readonly string[] } | undefined;
  /** Whether what the caller holds covers `wanted` (a wildcard, say); plain membership if absent. */
  readonly permits?: (held: readonly string[], wanted: P) => boolean;
  /** What a 401 tells the caller to do. */
  readonly signIn: string;
}

/**
 * `requirePermission(p)` for a route's `middleware`: 401 for no caller, 403 naming the permission
 * for a caller without it. One per API, over that API's permission enum.
 */
export function permissionGuard<P extends string, E extends Env>(guard: PermissionGuard<P, E>) {
  const permits = guard.permits ?? ((held, wanted) => held.includes(wanted));
  /** Passes a caller holding any one of `permissions`; `route()` lists them in the OpenAPI document. */
  return (...permissions: [P, ...P[]]): PermissionMiddleware<E> => {
    const middleware: MiddlewareHandler<E> = async (c, next) => {
      const caller = guard.whoIs(c);
      if (!caller) throw new ProblemError(401, { detail: guard.signIn });
      if (!permissions.some((p) => permits(caller.permissions, p))) {
        const [permission] = permissions;
        const wanted = permissions.length === 1 ? permission : `${permissions.join(" or ")}`;
        throw new ProblemError(403, { detail: `this needs the ${wanted} permission`, permission });
      }
      await next();
    };
    return Object.assign(middleware, { permissions });
  };
}
