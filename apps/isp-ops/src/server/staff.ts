import { StaffPermission } from "@dotmac/contracts";
import { hashPassword } from "@dotmac/platform-db/secrets";
import { staffRoles, staffUsers, type TenantDb } from "@dotmac/tenant-db";

/** A role and one staff member holding it (first admin of a tenant, tests, local seed data). */
export async function createStaff(
  db: TenantDb,
  input: {
    email: string;
    displayName: string;
    password: string;
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
  const [user] = await db
    .insert(staffUsers)
    .values({
      email: input.email,
      displayName: input.displayName,
      passwordHash: await hashPassword(input.password),
      roleId: role.id,
    })
    .returning();
  if (!user) throw new Error("no staff user");
  return user;
}

/** The tenant's first admin (every permission), only while it has no staff at all. */
export async function bootstrapAdmin(db: TenantDb, email: string, password: string): Promise<boolean> {
  const [existing] = await db.select({ id: staffUsers.id }).from(staffUsers).limit(1);
  if (existing) return false;
  await createStaff(db, {
    email,
    displayName: "Administrator",
    password,
    role: "admin",
    permissions: [...StaffPermission.options],
  });
  return true;
}
