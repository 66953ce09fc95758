import { permits } from "@dotmac/contracts";
import { hashSecret, newSecret } from "@dotmac/crypto/secrets";
import { ProblemError } from "@dotmac/http/problem";
import * as routes from "@dotmac/platform-api/routes/tokens";
import { apiTokens } from "@dotmac/platform-db";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { audit } from "../audit.ts";
import { forgetCredential, type Principal, principalOf } from "../auth/principal.ts";
import type { Deps } from "../lib/deps.ts";
import { iso, isoOrNull } from "../lib/json.ts";
import { createRouter } from "../lib/router.ts";

const present = (t: typeof apiTokens.$inferSelect) => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  scopes: t.scopes,
  expiresAt: iso(t.expiresAt),
  lastUsedAt: isoOrNull(t.lastUsedAt),
  revokedAt: isoOrNull(t.revokedAt),
  createdAt: iso(t.createdAt),
});

/** The tokens a caller may see and revoke: all for an admin, else the ones they made. */
function ownerFilter(actor: Principal) {
  if (actor.kind === "tenant") throw new ProblemError(403, { detail: "tenants have no tokens" });
  return permits(actor.permissions, "platform:admin") ? undefined : eq(apiTokens.createdBy, actor.userId);
}

export function tokensRouter(deps: Deps) {
  return createRouter()
    .openapi(routes.list, async (c) => {
      // Everyone's tokens are an admin's business; anyone else sees their own.
      const owner = ownerFilter(principalOf(c));
      const rows = await deps.db
        .select()
        .from(apiTokens)
        .where(owner)
        .orderBy(desc(apiTokens.createdAt))
        .limit(500);
      return c.json({ items: rows.map(present) }, 200);
    })
    .openapi(routes.create, async (c) => {
      const actor = principalOf(c);
      if (actor.kind === "tenant") throw new ProblemError(403, { detail: "tenants cannot make tokens" });
      const body = c.req.valid("json");
      // Nobody hands out more than they hold: a token's scopes are a subset of its maker's.
      const beyond = body.scopes.filter((s) => !permits(actor.permissions, s));
      if (beyond.length > 0) {
        throw new ProblemError(403, {
          detail: `you cannot grant what you do not hold: ${beyond.join(", ")}`,
          permission: beyond[0],
        });
      }
      const secret = newSecret("dmp");
      // A token made by a token is bound to it: never past its expiry, revoked with it.
      const parent = actor.kind === "token" ? actor.id : null;
      const asked = sql`now() + make_interval(days => ${body.expiresInDays})`;
      const row = await deps.db.transaction(async (tx) => {
        const [row] = await tx
          .insert(apiTokens)
          .values({
            name: body.name,
            prefix: secret.slice(0, 10),
            tokenHash: hashSecret(secret),
            scopes: body.scopes,
            createdBy: actor.userId,
            parentTokenId: parent,
            expiresAt: parent
              ? sql`least(${asked}, (select expires_at from api_tokens where id = ${parent}))`
              : asked,
          })
          .returning();
        if (!row) throw new Error("token not inserted");
        await audit(tx, actor, c.get("requestId"), {
          action: "token.create",
          targetType: "api_token",
          targetId: row.id,
          after: { name: row.name, prefix: row.prefix, scopes: row.scopes, expiresAt: iso(row.expiresAt) },
        });
        return row;
      });
      return c.json({ ...present(row), token: secret }, 201);
    })
    .openapi(routes.revoke, async (c) => {
      const actor = principalOf(c);
      const { id } = c.req.valid("param");
      const owner = ownerFilter(actor);
      const row = await deps.db.transaction(async (tx) => {
        const [row] = await tx
          .update(apiTokens)
          .set({ revokedAt: sql`now()` })
          .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt), owner))
          .returning();
        if (!row) throw new ProblemError(404, { detail: `no live token ${id}` });
        forgetCredential(row.tokenHash);
        // And every token made from it, however deep.
        const descendants = (await tx.execute(sql`
          with recursive tree as (
            select id from api_tokens where parent_token_id = ${id}
            union select t.id from api_tokens t join tree on t.parent_token_id = tree.id)
          update api_tokens set revoked_at = now()
           where id in (select id from tree) and revoked_at is null
          returning token_hash`)) as unknown as { token_hash: string }[];
        for (const d of descendants) forgetCredential(d.token_hash);
        await audit(tx, actor, c.get("requestId"), {
          action: "token.revoke",
          targetType: "api_token",
          targetId: id,
          after: { revokedAt: iso(row.revokedAt ?? new Date()) },
        });
        return row;
      });
      return c.json(present(row), 200);
    });
}
