import { hashPassword } from "@dotmac/crypto/passwords";
import { type PlatformDb, platformUsers } from "@dotmac/platform-db";
import { sql } from "drizzle-orm";
import { audit } from "./audit.ts";

/**
 * Creates a platform admin. Used by `dotmac-api create-admin` and, for the very first admin
 * only, by DOTMAC_BOOTSTRAP_ADMIN_EMAIL/_PASSWORD at start; there is no default password.
 */
export async function createAdmin(
  db: PlatformDb,
  email: string,
  password: string,
  opts: { onlyIfNoUsers?: boolean } = {},
): Promise<{ created: boolean; id?: string }> {
  if (password.length < 12) throw new Error("an admin password has at least 12 characters");
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    // Serialises concurrent bootstraps from several replicas.
    await tx.execute(sql`select pg_advisory_xact_lock(0x646f746d6163 + 1)`);
    if (opts.onlyIfNoUsers) {
      const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(platformUsers);
      if ((row?.n ?? 0) > 0) return { created: false };
    }
    const [user] = await tx
      .insert(platformUsers)
      .values({
        email,
        displayName: email.split("@")[0] ?? email,
        passwordHash,
        permissions: ["platform:admin"],
      })
      .onConflictDoNothing()
      .returning({ id: platformUsers.id });
    if (!user) return { created: false };
    await audit(tx, "system", undefined, {
      action: "user.bootstrap_admin",
      targetType: "platform_user",
      targetId: user.id,
      after: { email, permissions: ["platform:admin"] },
    });
    return { created: true, id: user.id };
  });
}
