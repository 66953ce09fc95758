import type { PlatformPermission } from "@dotmac/contracts";
import { hashSecret, newSecret } from "@dotmac/crypto/secrets";
import { type PlatformDb, tenantCredentials } from "@dotmac/platform-db";
import { and, eq, isNull, sql } from "drizzle-orm";
import { audit } from "../audit.ts";

/** All a tenant's own apps may do on the platform. */
export const tenantCredentialScopes: readonly PlatformPermission[] = [
  "platform:tenants:nas:write",
  "platform:tenants:entitlements:read",
];

/**
 * The credential a tenant stack hands its isp-ops: `current` (what the stack's encrypted config
 * holds) while it is the tenant's live one, else a new one that revokes the old, audited. The
 * platform keeps only its hash, so a lost stack config means a new credential, never a recovered one.
 */
export async function tenantCredential(
  db: PlatformDb,
  tenantId: string,
  current: string | undefined,
): Promise<string> {
  if (current) {
    const [live] = await db
      .select({ id: tenantCredentials.id, scopes: tenantCredentials.scopes })
      .from(tenantCredentials)
      .where(
        and(
          eq(tenantCredentials.tokenHash, hashSecret(current)),
          eq(tenantCredentials.tenantId, tenantId),
          isNull(tenantCredentials.revokedAt),
        ),
      );
    if (live) {
      // A credential issued before the tenant's apps needed more keeps working, and gains it.
      if (live.scopes.join() !== tenantCredentialScopes.join()) await widen(db, tenantId, live);
      return current;
    }
  }
  const secret = newSecret("dmt");
  await db.transaction(async (tx) => {
    const revoked = await tx
      .update(tenantCredentials)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(tenantCredentials.tenantId, tenantId), isNull(tenantCredentials.revokedAt)))
      .returning({ id: tenantCredentials.id });
    const [row] = await tx
      .insert(tenantCredentials)
      .values({
        tenantId,
        prefix: secret.slice(0, 10),
        tokenHash: hashSecret(secret),
        scopes: [...tenantCredentialScopes],
      })
      .returning({ id: tenantCredentials.id, prefix: tenantCredentials.prefix });
    await audit(tx, "system", undefined, {
      action: "tenant.credential.issue",
      targetType: "tenant",
      targetId: tenantId,
      after: { credentialId: row?.id, prefix: row?.prefix, scopes: tenantCredentialScopes },
      ...(revoked.length > 0 ? { before: { revoked: revoked.map((r) => r.id) } } : {}),
    });
  });
  return secret;
}

async function widen(db: PlatformDb, tenantId: string, live: { id: string; scopes: readonly string[] }) {
  await db.transaction(async (tx) => {
    await tx
      .update(tenantCredentials)
      .set({ scopes: [...tenantCredentialScopes] })
      .where(eq(tenantCredentials.id, live.id));
    await audit(tx, "system", undefined, {
      action: "tenant.credential.scopes",
      targetType: "tenant",
      targetId: tenantId,
      before: { credentialId: live.id, scopes: live.scopes },
      after: { credentialId: live.id, scopes: tenantCredentialScopes },
    });
  });
}
