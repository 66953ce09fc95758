import { hc } from "hono/client";
import type { ApiRoutes } from "./app.ts";

/**
 * The typed client the admin app and CI scripts use: `platformClient(url, { token })`.
 * Paths, inputs and outputs are the server's own types, so a change there breaks callers at build.
 */
export function platformClient(baseUrl: string, opts: { token?: string; fetch?: typeof fetch } = {}) {
  return hc<ApiRoutes>(`${baseUrl.replace(/\/$/, "")}/api/platform/v1`, {
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    headers: opts.token ? { authorization: `Bearer ${opts.token}` } : {},
    init: { credentials: "include" },
  });
}
export type PlatformClient = ReturnType<typeof platformClient>;
