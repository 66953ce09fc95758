import { type StaffCreate, StaffPermission } from "@dotmac/contracts";
import { hashPassword } from "@dotmac/crypto/passwords";
import { ProblemError } from "@dotmac/http/problem";
import { staffRoles, staffSessions, staffUsers, type TenantDb, type TenantTx } from "@dotmac/tenant-db";
import { eq, sql } from "drizzle-orm";
import { audit } from "./audit.ts";
import type { Staff } from "./auth.ts";
import { constraintProblem } from "./constraints.ts";
import { claimSeat, type LicenceStanding } from "./licence.ts";

/** A role and one staff member holding it (first admin of a tenant, tests, local seed data). */
export async function createStaff(
  db: TenantDb | TenantTx,
  input: {
    email: string;
    displayName: string;
    password: string | null;
    role: string;
    permissions: StaffPermission[];
  },
) {
  const [role] = await db
    .insert(staffRoles)
    .values({ name: input.role, permissions: input.permissions })
    .onConflictDoUpdate({ target: staffRoles.name, set: { permissions: input.permissions } })
    .returning();
  if (!role) throw new Error("no role");
  return insertUser(db, role.id, input);
}

/** The staff member's own row, holding `roleId`, their password hashed (none yet when invited). */
async function insertUser(
  db: TenantDb | TenantTx,
  roleId: string,
  input: { email: string; displayName: string; password: string | null },
) {
  const [user] = await db
    .insert(staffUsers)
    .values({
      email: input.email,
      displayName: input.displayName,
      passwordHash: input.password === null ? null : await hashPassword(input.password),
      roleId,
    })
    .returning({ id: staffUsers.id });
  if (!user) throw new Error("no staff user");
  return user;
}

/** The staff member with this e-mail, in any case (e-mails are unique that way), if any. */
export async function staffByEmail(db: Pick<TenantTx, "select">, email: string) {
  const [user] = await db
    .select({ id: staffUsers.id, passwordHash: staffUsers.passwordHash })
    .from(staffUsers)
    .where(eq(sql`lower(${staffUsers.email})`, email.toLowerCase()));
  return user;
}

/**
 * An admin (every permission) from ISP_OPS_BOOTSTRAP_ADMIN_*, unless a staff member has that
 * e-mail already (a disabled one stays disabled). Not "while there is no staff": the admin the
 * platform invites may have come first.
 */
export async function bootstrapAdmin(db: TenantDb, email: string, password: string): Promise<boolean> {
  if (await staffByEmail(db, email)) return false;
  await createStaff(db, {
    email,
    displayName: "Administrator",
    password,
    role: "admin",
    permissions: [...StaffPermission.options],
  });
  return true;
}

export async function listStaff(db: TenantDb) {
  return db
    .select({
      id: staffUsers.id,
      email: staffUsers.email,
      displayName: staffUsers.displayName,
      role: staffRoles.name,
      permissions: staffRoles.permissions,
      disabledAt: staffUsers.disabledAt,
    })
    .from(staffUsers)
    .innerJoin(staffRoles, eq(staffRoles.id, staffUsers.roleId))
    .orderBy(staffUsers.email);
}

/**
 * A new staff member from settings. An existing role is reused only with the same permissions:
 * changing what a role may do would silently change it for everyone holding it.
 */
export async function addStaff(db: TenantDb, actor: Staff, input: StaffCreate, licence: LicenceStanding) {
  const wanted = [...new Set(input.permissions)].sort();
  // Nobody hands out more than they hold: settings:write alone does not make a billing clerk.
  const beyond = wanted.filter((p) => !actor.permissions.includes(p));
  if (beyond.length > 0) {
    throw new ProblemError(403, {
      detail: `you cannot grant what you do not hold: ${beyond.join(", ")}`,
      errors: [{ path: "permissions", message: `not yours to grant: ${beyond.join(", ")}` }],
    });
  }
  try {
    return await db.transaction(async (tx) => {
      const [existing] = await tx.select().from(staffRoles).where(eq(staffRoles.name, input.role));
      if (existing && [...existing.permissions].sort().join() !== wanted.join()) {
        throw new ProblemError(409, {
          detail: `the role ${input.role} exists with other permissions`,
          errors: [{ path: "role", message: "this role exists with other permissions" }],
        });
      }
      const role =
        existing ??
        (await tx.insert(staffRoles).values({ name: input.role, permissions: wanted }).returning())[0];
      if (!role) throw new Error("no role");
      await claimSeat(tx, licence);
      const user = await insertUser(tx, role.id, input);
      await audit(tx, actor.id, {
        action: "staff.create",
        targetType: "staff",
        targetId: user.id,
        after: { email: input.email, displayName: input.displayName, role: input.role, permissions: wanted },
      });
      return user;
    });
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    throw constraintProblem(error);
  }
}

/**
 * Disables a staff member and ends every session of theirs at once (each request re-reads the
 * session, so the next one is refused). Not oneself: a tenant must not lock out its last admin.
 */
export async function disableStaff(db: TenantDb, actor: Staff, id: string) {
  if (id === actor.id) throw new ProblemError(409, { detail: "you cannot disable yourself" });
  return db.transaction(async (tx) => {
    const [user] = await tx
      .update(staffUsers)
      .set({ disabledAt: sql`coalesce(${staffUsers.disabledAt}, now())` })
      .where(eq(staffUsers.id, id))
      .returning({ id: staffUsers.id, email: staffUsers.email, disabledAt: staffUsers.disabledAt });
    if (!user) throw new ProblemError(404, { detail: "no such staff member" });
    const ended = await tx
      .delete(staffSessions)
      .where(eq(staffSessions.userId, id))
      .returning({ id: staffSessions.id });
    await audit(tx, actor.id, {
      action: "staff.disable",
      targetType: "staff",
      targetId: id,
      after: { email: user.email, sessionsEnded: ended.length },
    });
    return { id: user.id, disabledAt: user.disabledAt?.toISOString() ?? null, sessionsEnded: ended.length };
  });
}
