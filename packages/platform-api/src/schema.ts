import type { OpenAPIHono, RouteConfig } from "@hono/zod-openapi";
import type { Env, Hono } from "hono";
import type { UnionToIntersection } from "hono/utils/types";

// Type-only: what `openapi()` would return is read off a declared router, so no router is built.
declare const router: OpenAPIHono;

/** The client schema one route adds to a router that registers it (paths, inputs, responses by status). */
type RouteSchema<R extends RouteConfig> =
  ReturnType<typeof router.openapi<R>> extends Hono<Env, infer S, "/"> ? S : never;

/** The schema of every route exported by the given route modules: what the typed client calls. */
export type SchemaOf<Modules> = UnionToIntersection<
  {
    [M in keyof Modules]: {
      [K in keyof Modules[M]]: Modules[M][K] extends RouteConfig ? RouteSchema<Modules[M][K]> : never;
    }[keyof Modules[M]];
  }[keyof Modules]
>;
