import type { StaffPermission } from "@dotmac/contracts";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { type Staff, staffCookie, staffForToken } from "./auth.ts";
import { deps } from "./runtime.ts";

/** The signed-in staff member for a page, or a redirect to the login page. */
export async function currentStaff(): Promise<Staff> {
  const { db } = await deps();
  const staff = await staffForToken(db, (await cookies()).get(staffCookie().name)?.value);
  if (!staff) redirect("/login");
  return staff;
}

/** Pages refuse what the API would refuse; the API checks again on every call. */
export async function staffWith(permission: StaffPermission): Promise<Staff> {
  const staff = await currentStaff();
  if (!staff.permissions.includes(permission)) redirect("/dashboard?denied=1");
  return staff;
}
