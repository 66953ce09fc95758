import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from "@dotmac/crypto/passwords";
import { hashSecret, newSecret } from "@dotmac/crypto/secrets";
import { ProblemError } from "@dotmac/http/problem";
import { SignInLimiter, signInLimits } from "@dotmac/http/sign-in-limiter";
import * as routes from "@dotmac/platform-api/routes/auth";
import { platformSessions, platformUsers } from "@dotmac/platform-db";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { audit } from "../audit.ts";
import { forgetCredential, principalOf } from "../auth/principal.ts";
import type { Deps } from "../lib/deps.ts";
import { createRouter } from "../lib/router.ts";

const SESSION_HOURS = 12;
/** The peer's address (behind the admin app's proxy, the proxy's: its limit is per address, not per person). */
const peerAddress = (c: Context) =>
  (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket
    ?.remoteAddress ?? "unknown";

export function authRouter(deps: Deps) {
  const signIns = deps.signIns ?? new SignInLimiter(signInLimits);
  return createRouter()
    .openapi(routes.login, async (c) => {
      const { email, password } = c.req.valid("json");
      const address = peerAddress(c);
      // Refused before any hashing: a guesser spends nothing of ours past its allowance.
      const wait = signIns.refusal(email, address);
      if (wait !== undefined) {
        throw new ProblemError(429, {
          detail: `too many failed sign-ins for this account or address: try again in ${wait} s`,
          retryAfterSeconds: wait,
        });
      }
      const [user] = await deps.db
        .select()
        .from(platformUsers)
        .where(and(sql`lower(${platformUsers.email}) = lower(${email})`, isNull(platformUsers.disabledAt)));
      const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyPasswordHash));
      if (!user || !ok) {
        signIns.failed(email, address);
        await audit(deps.db, "system", c.get("requestId"), {
          action: "auth.login_failed",
          targetType: "platform_user",
          targetId: user?.id ?? null,
          after: { email: email.toLowerCase() },
        });
        throw new ProblemError(401, { detail: "wrong e-mail or password" });
      }
      signIns.succeeded(email);
      const session = newSecret("dms");
      // A hash made under weaker parameters is redone now, the one moment the password is known.
      const rehashed = needsRehash(user.passwordHash) ? await hashPassword(password) : undefined;
      await deps.db.transaction(async (tx) => {
        if (rehashed)
          await tx.update(platformUsers).set({ passwordHash: rehashed }).where(eq(platformUsers.id, user.id));
        await tx.insert(platformSessions).values({
          tokenHash: hashSecret(session),
          userId: user.id,
          expiresAt: sql`now() + make_interval(hours => ${SESSION_HOURS})`,
        });
        await audit(
          tx,
          { kind: "user", id: user.id, name: user.email, permissions: [], userId: user.id },
          c.get("requestId"),
          {
            action: "auth.login",
            targetType: "platform_user",
            targetId: user.id,
          },
        );
      });
      setCookie(c, deps.sessionCookie.name, session, {
        ...deps.sessionCookie.options,
        maxAge: SESSION_HOURS * 3600,
      });
      return c.json(
        { kind: "user" as const, id: user.id, name: user.email, permissions: user.permissions },
        200,
      );
    })
    .openapi(routes.logout, async (c) => {
      const session = getCookie(c, deps.sessionCookie.name);
      if (session) {
        forgetCredential(hashSecret(session));
        const [ended] = await deps.db
          .delete(platformSessions)
          .where(eq(platformSessions.tokenHash, hashSecret(session)))
          .returning({ userId: platformSessions.userId });
        if (ended) {
          await audit(deps.db, "system", c.get("requestId"), {
            action: "auth.logout",
            targetType: "platform_user",
            targetId: ended.userId,
          });
        }
      }
      deleteCookie(c, deps.sessionCookie.name, deps.sessionCookie.options);
      return c.body(null, 204);
    })
    .openapi(routes.me, async (c) => {
      const p = principalOf(c);
      return c.json({ kind: p.kind, id: p.id, name: p.name, permissions: [...p.permissions] }, 200);
    });
}
