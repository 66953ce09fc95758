import type { PlatformPermission } from "@dotmac/contracts";
import { hashSecret } from "@dotmac/crypto/secrets";
import type { RequestIdEnv } from "@dotmac/http/edge";
import { ProblemError } from "@dotmac/http/problem";
import type { SessionCookie } from "@dotmac/http/session-cookie";
import {
  apiTokens,
  type PlatformDb,
  platformSessions,
  platformUsers,
  tenantCredentials,
  tenants,
} from "@dotmac/platform-db";
import { and, eq, gt, isNull, ne, sql } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { LRUCache } from "lru-cache";

interface Caller {
  readonly id: string;
  readonly name: string;
  readonly permissions: readonly string[];
}

/**
 * Who is calling, with what they may do: a signed-in person, a CI token (acting for the user who
 * made it, never beyond them), or a tenant's own isp-ops (for that tenant alone).
 */
export type Principal =
  | (Caller & { readonly kind: "user" | "token"; readonly userId: string })
  | (Caller & { readonly kind: "tenant"; readonly tenantId: string });

/** Who an action is taken for: a principal, or the platform itself (retries, rollouts). */
export type Actor = Principal | "system";

/** How an operation names who asked: `user:<id>`, `token:<id>` or `system`. */
export const requesterOf = (actor: Actor) => (actor === "system" ? "system" : `${actor.kind}:${actor.id}`);

/** What every handler of the API may read: the request's id and who is calling. */
export interface AppEnv extends RequestIdEnv {
  Variables: { requestId: string; principal: Principal | undefined };
}

/** The admin session cookie's name, before its `__Host-` prefix (packages/http session-cookie). */
export const SESSION_COOKIE = "dotmac_session";

/** At most once a minute and not awaited: a CI loop must not turn every read into a write. */
function noteUse(lastUsedAt: Date | null, write: () => PromiseLike<unknown>) {
  if (!lastUsedAt || Date.now() - lastUsedAt.getTime() > 60_000) {
    void Promise.resolve(write()).catch(() => {});
  }
}

async function fromToken(db: PlatformDb, tokenHash: string): Promise<Principal | undefined> {
  const [row] = await db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      scopes: apiTokens.scopes,
      userId: apiTokens.createdBy,
      lastUsedAt: apiTokens.lastUsedAt,
      userPermissions: platformUsers.permissions,
    })
    .from(apiTokens)
    .innerJoin(platformUsers, eq(platformUsers.id, apiTokens.createdBy))
    .where(
      and(
        eq(apiTokens.tokenHash, tokenHash),
        isNull(apiTokens.revokedAt),
        gt(apiTokens.expiresAt, sql`now()`),
        isNull(platformUsers.disabledAt),
      ),
    );
  if (!row) return undefined;
  noteUse(row.lastUsedAt, () =>
    db.update(apiTokens).set({ lastUsedAt: sql`now()` }).where(eq(apiTokens.id, row.id)),
  );
  // A token never does more than its maker may do today.
  const permissions = row.scopes.filter(
    (s) => row.userPermissions.includes("platform:admin") || row.userPermissions.includes(s),
  );
  return { kind: "token", id: row.id, name: row.name, permissions, userId: row.userId };
}

async function fromTenantCredential(db: PlatformDb, tokenHash: string): Promise<Principal | undefined> {
  const [row] = await db
    .select({
      id: tenantCredentials.id,
      tenantId: tenantCredentials.tenantId,
      scopes: tenantCredentials.scopes,
      lastUsedAt: tenantCredentials.lastUsedAt,
      slug: tenants.slug,
    })
    .from(tenantCredentials)
    .innerJoin(tenants, eq(tenants.id, tenantCredentials.tenantId))
    .where(
      and(
        eq(tenantCredentials.tokenHash, tokenHash),
        isNull(tenantCredentials.revokedAt),
        ne(tenants.status, "deleted"),
      ),
    );
  if (!row) return undefined;
  noteUse(row.lastUsedAt, () =>
    db.update(tenantCredentials).set({ lastUsedAt: sql`now()` }).where(eq(tenantCredentials.id, row.id)),
  );
  return {
    kind: "tenant",
    id: row.id,
    name: `tenant ${row.slug}`,
    permissions: row.scopes,
    tenantId: row.tenantId,
  };
}

async function fromSession(db: PlatformDb, sessionHash: string): Promise<Principal | undefined> {
  const [row] = await db
    .select({ id: platformUsers.id, name: platformUsers.email, permissions: platformUsers.permissions })
    .from(platformSessions)
    .innerJoin(platformUsers, eq(platformUsers.id, platformSessions.userId))
    .where(
      and(
        eq(platformSessions.tokenHash, sessionHash),
        gt(platformSessions.expiresAt, sql`now()`),
        isNull(platformUsers.disabledAt),
      ),
    );
  return row ? { kind: "user", ...row, userId: row.id } : undefined;
}

/**
 * Who a credential belongs to, remembered for a few seconds: a CI loop or a busy admin page
 * should not cost a database round trip per request. Revoking a token, logging out or disabling
 * a user takes effect at once on the replica that did it and within the cache's five seconds on the others.
 */
const principals = new LRUCache<string, { principal: Principal | undefined }>({ max: 10_000, ttl: 5_000 });

/** Drops a revoked token's or ended session's entry (by the hash the tables keep). */
export function forgetCredential(secretHash: string): void {
  principals.delete(secretHash);
}

async function cached(key: string, load: () => Promise<Principal | undefined>) {
  const hit = principals.get(key);
  if (hit) return hit.principal;
  const principal = await load();
  principals.set(key, { principal });
  return principal;
}

/** Resolves the caller from a Bearer token or the session cookie; does not refuse anyone. */
export function authenticate(db: PlatformDb, cookie: SessionCookie): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    const bearer = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const session = getCookie(c, cookie.name);
    let principal: Principal | undefined;
    if (bearer) {
      const hash = hashSecret(bearer);
      principal = await cached(hash, () =>
        bearer.startsWith("dmt_") ? fromTenantCredential(db, hash) : fromToken(db, hash),
      );
    } else if (session) {
      const hash = hashSecret(session);
      principal = await cached(hash, () => fromSession(db, hash));
    }
    c.set("principal", principal);
    await next();
  };
}

/** The caller, once requirePermission has run. */
export function principalOf(c: { get(key: "principal"): Principal | undefined }): Principal {
  const principal = c.get("principal");
  if (!principal) throw new ProblemError(401);
  return principal;
}

/**
 * A tenant's credential acts on its own tenant only, and learns nothing about others, not even
 * whether they exist: another tenant and no tenant are the same 403.
 */
export function refuseOtherTenant(
  actor: Principal,
  tenant: { readonly id: string } | undefined,
  permission: PlatformPermission,
): void {
  if (actor.kind === "tenant" && actor.tenantId !== tenant?.id) {
    throw new ProblemError(403, { detail: "a tenant's credential acts on its own tenant only", permission });
  }
}
