import type { StaffPermission } from "@dotmac/contracts";
import type { IspOpsProcessEnv } from "@dotmac/contracts/app-env";
import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from "@dotmac/crypto/passwords";
import { hashSecret, newSecret } from "@dotmac/crypto/secrets";
import { ProblemError } from "@dotmac/http/problem";
import { sessionCookie } from "@dotmac/http/session-cookie";
import { staffRoles, staffSessions, staffUsers, type TenantDb } from "@dotmac/tenant-db";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { audit } from "./audit.ts";
import { ispOpsProcessEnv } from "./env.ts";

/** The staff session's cookie (`__Host-dotmac_staff`, Secure unless ISP_OPS_PLAIN_HTTP). */
export const staffCookie = (env: Pick<IspOpsProcessEnv, "ISP_OPS_PLAIN_HTTP"> = ispOpsProcessEnv()) =>
  sessionCookie("dotmac_staff", env.ISP_OPS_PLAIN_HTTP);
export const SESSION_HOURS = 12;

export interface Staff {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: string;
  readonly permissions: readonly StaffPermission[];
}

/** Checks e-mail and password; a new session token (only its hash is stored) on success. */
export async function login(
  db: TenantDb,
  email: string,
  password: string,
): Promise<{ token: string; staff: Staff }> {
  const [row] = await db
    .select({ user: staffUsers, role: staffRoles })
    .from(staffUsers)
    .innerJoin(staffRoles, eq(staffRoles.id, staffUsers.roleId))
    .where(and(eq(sql`lower(${staffUsers.email})`, email.toLowerCase()), isNull(staffUsers.disabledAt)));
  const ok = await verifyPassword(password, row?.user.passwordHash ?? (await dummyPasswordHash));
  if (!row || !ok) {
    // Bounded by the sign-in limits: past them a guesser is refused before reaching here.
    await audit(
      db,
      { system: "sign-in" },
      {
        action: "staff.login_failed",
        targetType: "staff",
        targetId: row?.user.id ?? null,
        after: { email: email.toLowerCase() },
      },
    );
    throw new ProblemError(401, { detail: "wrong e-mail or password" });
  }
  const token = newSecret("dmo");
  // A hash made under weaker parameters is redone now, the one moment the password is known.
  if (row.user.passwordHash && needsRehash(row.user.passwordHash)) {
    const passwordHash = await hashPassword(password);
    await db.update(staffUsers).set({ passwordHash }).where(eq(staffUsers.id, row.user.id));
  }
  await db.insert(staffSessions).values({
    tokenHash: hashSecret(token),
    userId: row.user.id,
    expiresAt: new Date(Date.now() + SESSION_HOURS * 3600_000),
  });
  await audit(db, row.user.id, { action: "staff.login", targetType: "staff", targetId: row.user.id });
  return { token, staff: toStaff(row.user, row.role) };
}

export async function logout(db: TenantDb, token: string): Promise<void> {
  await db.delete(staffSessions).where(eq(staffSessions.tokenHash, hashSecret(token)));
}

/** The staff member a session token belongs to, while it is valid and they are not disabled. */
export async function staffForToken(db: TenantDb, token: string | undefined): Promise<Staff | undefined> {
  if (!token) return undefined;
  const [row] = await db
    .select({ user: staffUsers, role: staffRoles })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
    .innerJoin(staffRoles, eq(staffRoles.id, staffUsers.roleId))
    .where(
      and(
        eq(staffSessions.tokenHash, hashSecret(token)),
        gt(staffSessions.expiresAt, sql`now()`),
        isNull(staffUsers.disabledAt),
      ),
    );
  return row ? toStaff(row.user, row.role) : undefined;
}

function toStaff(user: typeof staffUsers.$inferSelect, role: typeof staffRoles.$inferSelect): Staff {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: role.name,
    permissions: role.permissions,
  };
}
