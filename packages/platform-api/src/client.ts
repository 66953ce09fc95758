import type { Env, Hono } from "hono";
import { hc } from "hono/client";
import type * as routes from "./routes.ts";
import type { SchemaOf } from "./schema.ts";

/** Every route of the API under its base path; the server registers each (its test checks). */
export type PlatformApi = Hono<Env, SchemaOf<typeof routes>, "/">;

export const API_BASE = "/api/platform/v1";

/**
 * The typed client the admin app and CI scripts use: `platformClient(url, { token })`.
 * Paths, inputs and outputs are the routes' own types, so a change there breaks callers at build.
 */
export function platformClient(
  baseUrl: string,
  opts: {
    token?: string;
    fetch?: typeof fetch;
    headers?: () => Record<string, string> | Promise<Record<string, string>>;
  } = {},
) {
  return hc<PlatformApi>(`${baseUrl.replace(/\/$/, "")}${API_BASE}`, {
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    headers: opts.headers ?? (opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
    init: { credentials: "include" },
  });
}
export type PlatformClient = ReturnType<typeof platformClient>;
