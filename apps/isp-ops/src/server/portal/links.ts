import type { CustomerLinkPurpose } from "@dotmac/contracts";
import { hashPassword } from "@dotmac/crypto/passwords";
import { hashSecret, newSecret } from "@dotmac/crypto/secrets";
import { ProblemError } from "@dotmac/http/problem";
import {
  customerCredentials,
  customerLinks,
  customerSessions,
  subscribers,
  type TenantTx,
} from "@dotmac/tenant-db";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { type Actor, audit } from "../audit.ts";
import type { IspOpsDeps } from "../deps.ts";
import { branded } from "../mail.ts";
import { tenantLink } from "../public-url.ts";

/**
 * A new single-use link of `purpose` for the subscriber: an older one of the same purpose they have
 * not used stops working. Only the token's hash is stored; the token is for the e-mail alone.
 */
export async function issueLink(
  tx: TenantTx,
  f: { subscriberId: string; purpose: CustomerLinkPurpose; hours: number; email?: string },
) {
  await tx
    .update(customerLinks)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(customerLinks.subscriberId, f.subscriberId),
        eq(customerLinks.purpose, f.purpose),
        isNull(customerLinks.usedAt),
      ),
    );
  const token = newSecret("dml");
  const [link] = await tx
    .insert(customerLinks)
    .values({
      tokenHash: hashSecret(token),
      subscriberId: f.subscriberId,
      purpose: f.purpose,
      email: f.email ?? null,
      expiresAt: new Date(Date.now() + f.hours * 3600_000),
    })
    .returning({ id: customerLinks.id });
  if (!link) throw new Error("insert returned nothing");
  return { token, link };
}

/** Spends a link of `purpose` once, in the statement that checks it; an expired or used one is a 400 on `token`. */
export async function spendLink(tx: TenantTx, token: string, purpose: CustomerLinkPurpose) {
  const [link] = await tx
    .update(customerLinks)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(customerLinks.tokenHash, hashSecret(token)),
        eq(customerLinks.purpose, purpose),
        isNull(customerLinks.usedAt),
        gt(customerLinks.expiresAt, sql`now()`),
      ),
    )
    .returning({ subscriberId: customerLinks.subscriberId, email: customerLinks.email });
  if (!link) {
    const message = "this link has expired or was used already: ask for a new one";
    throw new ProblemError(400, { detail: message, errors: [{ path: "token", message }] });
  }
  return link;
}

/** How long a set-password link works: an invitation waits for the subscriber; a reset is asked for now. */
export const LINK_HOURS = { invite: 72, reset: 1 } as const;

/**
 * Mails a subscriber a single-use link to set their portal password; an older link they have not
 * used stops working. Only the token's hash is stored. Staff inviting a subscriber are told when
 * it cannot be sent; a subscriber asking for a reset is not (nobody learns whether an account
 * exists): `undefined` then.
 */
export async function mailSetPasswordLink(
  deps: Pick<IspOpsDeps, "db" | "mail" | "publicUrl">,
  subscriberId: string,
  opts: { readonly why: keyof typeof LINK_HOURS; readonly actor: Actor },
): Promise<{ sentTo: string } | undefined> {
  const [s] = await deps.db
    .select({ name: subscribers.name, email: subscribers.email, accountNumber: subscribers.accountNumber })
    .from(subscribers)
    .where(eq(subscribers.id, subscriberId));
  const told = opts.why === "invite";
  if (!s) {
    if (told) throw new ProblemError(404, { detail: "no such subscriber" });
    return undefined;
  }
  const refusal = !s.email
    ? "the subscriber has no e-mail address: add one first"
    : !deps.mail
      ? "the tenant has no mail relay (SMTP_URL, MAIL_FROM)"
      : !deps.publicUrl
        ? "the tenant has no public address to link to (TENANT_PUBLIC_URL)"
        : undefined;
  const mail = deps.mail;
  if (refusal || !s.email || !mail) {
    if (told) throw new ProblemError(409, { detail: refusal });
    return undefined;
  }
  const { token, link } = await deps.db.transaction(async (tx) => {
    const issued = await issueLink(tx, {
      subscriberId,
      purpose: "set_password",
      hours: LINK_HOURS[opts.why],
    });
    await audit(tx, opts.actor, {
      action: "customer.password_link",
      targetType: "subscriber",
      targetId: subscriberId,
      after: { why: opts.why, to: s.email },
    });
    return issued;
  });
  const url = new URL(tenantLink(deps, "/portal/set-password"));
  url.searchParams.set("token", token);
  const hours = LINK_HOURS[opts.why];
  const message = branded(mail.brand, s.email, `Set your password for ${mail.brand.name}`, [
    `Dear ${s.name},`,
    opts.why === "invite"
      ? `You can now see your service, usage and invoices, pay and ask for help online. Your account number is ${s.accountNumber}.`
      : "Someone (we hope you) asked to set a new password for your account.",
    `Set your password here (the link works once, for ${hours === 1 ? "one hour" : `${hours} hours`}): ${url}`,
    "If you did not expect this message, you can ignore it.",
  ]);
  await mail.send({ ...message, messageId: `<portal-link-${link?.id}@${mail.brand.slug}.dotmac>` });
  return { sentTo: s.email };
}

/**
 * Sets the password a link was mailed for, once: the link is spent in the same statement that
 * checks it, and every portal session of the subscriber ends (a reset locks out whoever had it).
 */
export async function setPasswordWithLink(db: IspOpsDeps["db"], token: string, password: string) {
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const link = await spendLink(tx, token, "set_password");
    await tx
      .insert(customerCredentials)
      .values({ subscriberId: link.subscriberId, passwordHash })
      .onConflictDoUpdate({
        target: customerCredentials.subscriberId,
        set: { passwordHash, updatedAt: sql`now()` },
      });
    await tx.delete(customerSessions).where(eq(customerSessions.subscriberId, link.subscriberId));
    await audit(
      tx,
      { subscriber: link.subscriberId },
      {
        action: "customer.password_set",
        targetType: "subscriber",
        targetId: link.subscriberId,
      },
    );
    return { subscriberId: link.subscriberId };
  });
}
