import type { PortalContactUpdate } from "@dotmac/contracts";
import { hashPassword, verifyPassword } from "@dotmac/crypto/passwords";
import { hashSecret } from "@dotmac/crypto/secrets";
import { ProblemError } from "@dotmac/http/problem";
import {
  customerCredentials,
  customerLinks,
  customerSessions,
  subscribers,
  type TenantDb,
  type TenantTx,
} from "@dotmac/tenant-db";
import { and, desc, eq, gt, isNull, ne, sql } from "drizzle-orm";
import { audit } from "../audit.ts";
import type { IspOpsDeps } from "../deps.ts";
import { branded } from "../mail.ts";
import { tenantLink } from "../public-url.ts";
import type { Customer } from "./customers.ts";
import { issueLink, spendLink } from "./links.ts";

/** A new address's confirmation link works this long: the subscriber is at their mail now. */
export const CONFIRM_EMAIL_HOURS = 24;

/** The subscriber's contact details, and the address a confirmation link is out for. */
export async function portalAccount(db: TenantDb, customer: Customer) {
  const [[s], [pending]] = await Promise.all([
    db
      .select({
        accountNumber: subscribers.accountNumber,
        name: subscribers.name,
        email: subscribers.email,
        phone: subscribers.phone,
      })
      .from(subscribers)
      .where(eq(subscribers.id, customer.id)),
    db
      .select({ email: customerLinks.email })
      .from(customerLinks)
      .where(
        and(
          eq(customerLinks.subscriberId, customer.id),
          eq(customerLinks.purpose, "confirm_email"),
          isNull(customerLinks.usedAt),
          gt(customerLinks.expiresAt, sql`now()`),
        ),
      )
      .orderBy(desc(customerLinks.createdAt))
      .limit(1),
  ]);
  return s ? { ...s, pendingEmail: pending?.email ?? null } : undefined;
}

/** A contact detail the subscriber changed themselves, with what it was, audited as theirs. */
async function changeOwn(
  tx: TenantTx,
  subscriberId: string,
  field: "phone" | "email",
  value: string | null,
  action: string,
) {
  const [before] = await tx
    .select({ value: subscribers[field] })
    .from(subscribers)
    .where(eq(subscribers.id, subscriberId))
    .for("update");
  await tx
    .update(subscribers)
    .set({ [field]: value, updatedAt: sql`now()` })
    .where(eq(subscribers.id, subscriberId));
  await audit(
    tx,
    { subscriber: subscriberId },
    {
      action,
      targetType: "subscriber",
      targetId: subscriberId,
      before: { [field]: before?.value ?? null },
      after: { [field]: value },
    },
  );
}

/** The subscriber changes their phone number themselves. */
export async function updateContact(db: TenantDb, customer: Customer, input: PortalContactUpdate) {
  await db.transaction((tx) => changeOwn(tx, customer.id, "phone", input.phone, "customer.contact"));
}

/**
 * Mails a link to a new address; the address on file stays until the link is opened (so a typo
 * never cuts a subscriber off their invoices), and is told of the request.
 */
export async function mailEmailConfirmation(
  deps: Pick<IspOpsDeps, "db" | "mail" | "publicUrl">,
  customer: Customer,
  email: string,
) {
  const mail = deps.mail;
  if (!mail) throw new ProblemError(503, { detail: "the tenant has no mail relay (SMTP_URL, MAIL_FROM)" });
  if (email.toLowerCase() === customer.email?.toLowerCase()) {
    const message = "this is already your address";
    throw new ProblemError(400, { detail: message, errors: [{ path: "email", message }] });
  }
  const url = new URL(tenantLink(deps, "/portal/confirm-email"));
  const { token, link } = await deps.db.transaction(async (tx) => {
    const issued = await issueLink(tx, {
      subscriberId: customer.id,
      purpose: "confirm_email",
      hours: CONFIRM_EMAIL_HOURS,
      email,
    });
    await audit(
      tx,
      { subscriber: customer.id },
      {
        action: "customer.email_link",
        targetType: "subscriber",
        targetId: customer.id,
        after: { to: email },
      },
    );
    return issued;
  });
  url.searchParams.set("token", token);
  const brand = mail.brand;
  await mail.send({
    ...branded(brand, email, `Confirm your e-mail address for ${brand.name}`, [
      `Dear ${customer.name},`,
      `Please confirm that we should write to you at this address from now on (the link works once, for ${CONFIRM_EMAIL_HOURS} hours): ${url}`,
      "If you did not ask for this, you can ignore this message: nothing changes.",
    ]),
    messageId: `<portal-link-${link.id}@${brand.slug}.dotmac>`,
  });
  if (customer.email) {
    await mail.send(
      branded(brand, customer.email, `Your e-mail address for ${brand.name} is changing`, [
        `Dear ${customer.name},`,
        `Someone signed in to your account asked to move its e-mail to ${email}. Until that address is confirmed we keep writing to this one.`,
        "If this was not you, change your portal password and contact us.",
      ]),
    );
  }
  return { sentTo: email };
}

/** Opens a confirmation link: its address becomes the subscriber's, once. No session needed (another device). */
export async function confirmEmail(db: TenantDb, token: string) {
  await db.transaction(async (tx) => {
    const link = await spendLink(tx, token, "confirm_email");
    await changeOwn(tx, link.subscriberId, "email", link.email, "customer.email_confirmed");
  });
}

/**
 * A new password, the current one given: every other portal session of the subscriber ends (the
 * one they are in stays). A wrong current password is a 400 on the field, counted by the caller.
 */
export async function changePassword(
  db: TenantDb,
  customer: Customer,
  input: { currentPassword: string; password: string },
  sessionToken: string,
): Promise<boolean> {
  const [credential] = await db
    .select()
    .from(customerCredentials)
    .where(eq(customerCredentials.subscriberId, customer.id));
  if (!credential || !(await verifyPassword(input.currentPassword, credential.passwordHash))) return false;
  const passwordHash = await hashPassword(input.password);
  await db.transaction(async (tx) => {
    await tx
      .update(customerCredentials)
      .set({ passwordHash, updatedAt: sql`now()` })
      .where(eq(customerCredentials.subscriberId, customer.id));
    await tx
      .delete(customerSessions)
      .where(
        and(
          eq(customerSessions.subscriberId, customer.id),
          ne(customerSessions.tokenHash, hashSecret(sessionToken)),
        ),
      );
    await audit(
      tx,
      { subscriber: customer.id },
      { action: "customer.password_change", targetType: "subscriber", targetId: customer.id },
    );
  });
  return true;
}
