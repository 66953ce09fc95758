import { type PlatformPermission, permits } from "@dotmac/contracts";
import { permissionGuard } from "@dotmac/http/permission";
import type { Env } from "hono";

/** What the guard reads: the caller the server's authentication put in the context. */
export interface CallerEnv extends Env {
  Variables: { principal: { readonly permissions: readonly string[] } | undefined };
}

/** Refuses a caller who is not signed in (401) or lacks the permission (403, naming it). */
export const requirePermission = permissionGuard<PlatformPermission, CallerEnv>({
  whoIs: (c) => c.get("principal"),
  permits,
  signIn: "sign in, or send an API token as a Bearer token",
});
