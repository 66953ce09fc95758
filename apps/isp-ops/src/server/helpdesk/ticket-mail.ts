import { subscribers, supportTickets, type TenantDb, ticketMessages } from "@dotmac/tenant-db";
import { eq } from "drizzle-orm";
import type { IspOpsDeps } from "../deps.ts";
import { branded, type TenantMail } from "../mail.ts";
import { tenantLink } from "../public-url.ts";

/** A public staff message as the subscriber receives it, quoting the ticket's number. */
export function ticketMail(
  mail: TenantMail,
  f: {
    to: string;
    name: string;
    number: number;
    subject: string;
    body: string;
    messageId: number;
    first: boolean;
    /** The ticket in the portal, when the tenant has a public address. */
    link?: string;
  },
) {
  const opening = f.first
    ? `We have opened ticket #${f.number} for you: "${f.subject}". This is what we noted:`
    : `There is a reply to your ticket #${f.number}, "${f.subject}":`;
  const message = branded(mail.brand, f.to, `[#${f.number}] ${f.subject}`, [
    `Dear ${f.name},`,
    opening,
    ...f.body.split(/\n{2,}/),
    ...(f.link ? [`Read the whole conversation and answer it here: ${f.link}`] : []),
    `Please quote ticket #${f.number} when you contact us about it.`,
  ]);
  return { ...message, messageId: `<ticket-message-${f.messageId}@${mail.brand.slug}.dotmac>` };
}

/**
 * Mails a public staff message to the ticket's subscriber and records what became of it on the
 * message (staff see it in the thread). Internal notes and the subscriber's own messages are
 * never mailed. A relay that fails is recorded too: the reply stands, and staff can see it was not
 * delivered.
 */
export async function mailTicketMessage(
  deps: Pick<IspOpsDeps, "db" | "mail" | "publicUrl">,
  messageId: number,
  first: boolean,
) {
  const db: TenantDb = deps.db;
  const [row] = await db
    .select({
      body: ticketMessages.body,
      internal: ticketMessages.internal,
      authorType: ticketMessages.authorType,
      ticketId: ticketMessages.ticketId,
      number: supportTickets.number,
      subject: supportTickets.subject,
      email: subscribers.email,
      name: subscribers.name,
    })
    .from(ticketMessages)
    .innerJoin(supportTickets, eq(supportTickets.id, ticketMessages.ticketId))
    .innerJoin(subscribers, eq(subscribers.id, supportTickets.subscriberId))
    .where(eq(ticketMessages.id, messageId));
  if (!row || row.internal || row.authorType !== "staff") return;
  let outcome: string;
  if (!row.email) outcome = "not sent: the subscriber has no e-mail address";
  else if (!deps.mail) outcome = "not sent: the tenant has no mail relay";
  else {
    const mail = deps.mail;
    outcome = await mail
      .send(
        ticketMail(mail, {
          ...row,
          to: row.email,
          messageId,
          first,
          ...(deps.publicUrl ? { link: tenantLink(deps, `/portal/tickets/${row.ticketId}`) } : {}),
        }),
      )
      .then(
        ({ messageId: sent }) => `sent to ${row.email} (${sent})`,
        (error: Error) => `not sent: ${error.message}`,
      );
  }
  await db.update(ticketMessages).set({ mailOutcome: outcome }).where(eq(ticketMessages.id, messageId));
}
