import { type StaffPasswordSet, StaffPermission, type TenantEntitlements } from "@dotmac/contracts";
import { hashPassword } from "@dotmac/crypto/passwords";
import { hashSecret, newSecret } from "@dotmac/crypto/secrets";
import { ProblemError } from "@dotmac/http/problem";
import { platformInvitations, staffLinks, staffSessions, staffUsers, type TenantTx } from "@dotmac/tenant-db";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { audit } from "./audit.ts";
import type { IspOpsDeps } from "./deps.ts";
import type { PlatformEntitlements } from "./entitlements.ts";
import { branded } from "./mail.ts";
import { tenantLink } from "./public-url.ts";
import { createStaff, staffByEmail } from "./staff.ts";

/** How long an invitation waits for the admin to open it; the platform can send another. */
const INVITE_HOURS = 72;

/** A new link for the member; an older one of theirs not yet used stops working. */
async function issueStaffLink(tx: TenantTx, userId: string) {
  await tx
    .update(staffLinks)
    .set({ usedAt: sql`now()` })
    .where(and(eq(staffLinks.userId, userId), isNull(staffLinks.usedAt)));
  const token = newSecret("dml");
  await tx.insert(staffLinks).values({
    tokenHash: hashSecret(token),
    userId,
    expiresAt: new Date(Date.now() + INVITE_HOURS * 3600_000),
  });
  return token;
}

/**
 * The platform's invitation of the ISP's first admin (its entitlements' `admin`), mailed once per
 * time the platform asked, whichever replica hears it first: the admin is created with every
 * permission and no password, and mailed a link to set one. An admin who has a password already
 * is mailed nothing. Sent inside the transaction, so a mail that fails is tried again next poll.
 */
export async function inviteFromPlatform(
  deps: Pick<IspOpsDeps, "db" | "mail" | "publicUrl">,
  admin: TenantEntitlements["admin"],
): Promise<"mailed" | "done before" | "has a password" | "cannot mail"> {
  const mail = deps.mail;
  if (!admin) return "done before";
  if (!mail || !deps.publicUrl) return "cannot mail";
  return deps.db.transaction(async (tx) => {
    const [taken] = await tx
      .insert(platformInvitations)
      .values({ invitedAt: new Date(admin.invitedAt), email: admin.email })
      .onConflictDoNothing()
      .returning();
    if (!taken) return "done before";
    const existing = await staffByEmail(tx, admin.email);
    if (existing?.passwordHash) return "has a password";
    const userId =
      existing?.id ??
      (
        await createStaff(tx, {
          email: admin.email,
          displayName: admin.name,
          password: null,
          role: "admin",
          permissions: [...StaffPermission.options],
        })
      ).id;
    const token = await issueStaffLink(tx, userId);
    await audit(
      tx,
      { system: "platform" },
      { action: "staff.invite", targetType: "staff", targetId: userId, after: { email: admin.email } },
    );
    const url = new URL(tenantLink(deps, "/set-password"));
    url.searchParams.set("token", token);
    const message = branded(mail.brand, admin.email, `Your ${mail.brand.name} operations account`, [
      `Dear ${admin.name},`,
      `${mail.brand.name} is ready in isp-ops, where your staff run subscribers, plans, RADIUS, billing and the helpdesk. You are its first administrator.`,
      `Set your password here (the link works once, for ${INVITE_HOURS} hours): ${url}`,
      "If you did not expect this message, you can ignore it.",
    ]);
    await mail.send({
      ...message,
      messageId: `<staff-invite-${taken.invitedAt.getTime()}@${mail.brand.slug}.dotmac>`,
    });
    return "mailed";
  });
}

/** Spends an invitation once and sets the member's password; an expired or used link is a 400 on `token`. */
export async function setStaffPassword(deps: Pick<IspOpsDeps, "db">, input: StaffPasswordSet): Promise<void> {
  const passwordHash = await hashPassword(input.password);
  await deps.db.transaction(async (tx) => {
    const [link] = await tx
      .update(staffLinks)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(staffLinks.tokenHash, hashSecret(input.token)),
          isNull(staffLinks.usedAt),
          gt(staffLinks.expiresAt, sql`now()`),
        ),
      )
      .returning({ userId: staffLinks.userId });
    if (!link) {
      const message = "this link has expired or was used already: ask your provider for a new invitation";
      throw new ProblemError(400, { detail: message, errors: [{ path: "token", message }] });
    }
    await tx.update(staffUsers).set({ passwordHash }).where(eq(staffUsers.id, link.userId));
    // Whoever held a session of theirs before the password was set holds it no longer.
    await tx.delete(staffSessions).where(eq(staffSessions.userId, link.userId));
    await audit(tx, link.userId, {
      action: "staff.password_set",
      targetType: "staff",
      targetId: link.userId,
    });
  });
}

/** Mails each invitation the platform asks for as the poller hears it; one a replica has handled is not asked about again. */
export function followPlatformInvitations(
  deps: Pick<IspOpsDeps, "db" | "mail" | "publicUrl">,
  entitlements: Pick<PlatformEntitlements, "onHeard">,
): void {
  let handled: string | undefined;
  entitlements.onHeard(async ({ admin }) => {
    if (!admin || admin.invitedAt === handled) return;
    if ((await inviteFromPlatform(deps, admin)) !== "cannot mail") handled = admin.invitedAt;
  });
}
