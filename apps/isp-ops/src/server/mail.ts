import type { IspOpsTenantEnv } from "@dotmac/contracts/app-env";
import { createTransport } from "nodemailer";
import { type Branding, brandingOf, escapeHtml } from "./branding.ts";

export interface Mail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /**
   * Stable for the same notice (an invoice's dunning step), so a notice sent again after a crash
   * carries the same Message-ID and mail clients show it once.
   */
  readonly messageId?: string;
  readonly attachments?: readonly { filename: string; content: Buffer; contentType: string }[];
}

/** Sends one message; resolves with the Message-ID the transport used. */
export type Mailer = (mail: Mail) => Promise<{ messageId: string }>;

/** The tenant's outgoing mail: who it is (for the templates) and how it sends. */
export interface TenantMail {
  readonly send: Mailer;
  readonly brand: Branding;
  /** The sender every message carries (MAIL_FROM). */
  readonly from: string;
}

/**
 * A relay that accepts the connection and then stalls fails the send within seconds (nodemailer
 * waits minutes by default), so a billing run or a request that mails is not held up by it.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };
export type SmtpTimeouts = typeof SMTP_TIMEOUTS;

/**
 * Mail over SMTP (SMTP_URL, smtp:// or smtps:// with the relay's credentials in it) from
 * MAIL_FROM. One pooled connection per tenant process.
 */
export function smtpMailer(url: string, from: string, timeouts: SmtpTimeouts = SMTP_TIMEOUTS): Mailer {
  const transport = createTransport({ url, ...timeouts }, { from });
  return async (mail) => {
    const info = await transport.sendMail({
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      ...(mail.messageId ? { messageId: mail.messageId } : {}),
      ...(mail.attachments ? { attachments: [...mail.attachments] } : {}),
    });
    return { messageId: info.messageId };
  };
}

/** The tenant's mail when its environment names an SMTP relay and a sender. */
export function tenantMail(env: IspOpsTenantEnv): TenantMail | undefined {
  if (!env.SMTP_URL || !env.MAIL_FROM) return undefined;
  return { send: smtpMailer(env.SMTP_URL, env.MAIL_FROM), brand: brandingOf(env), from: env.MAIL_FROM };
}

/**
 * A message in the tenant's colours: its name (and logo) in a band of its primary colour, the
 * paragraphs and its footer, and the same as plain text for clients that want it.
 */
export function branded(brand: Branding, to: string, subject: string, paragraphs: readonly string[]): Mail {
  const logo = brand.logoUrl ? `<img src="${escapeHtml(brand.logoUrl)}" alt="" height="32"> ` : "";
  const html = `<!doctype html><html><body style="font-family:sans-serif;margin:0">
<div style="background:${brand.primaryColor};color:#fff;padding:16px 24px;font-size:20px">${logo}${escapeHtml(brand.name)}</div>
<div style="padding:24px">${paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n")}</div>
${brand.footer ? `<div style="padding:0 24px 24px;color:#555;font-size:12px;white-space:pre-line">${escapeHtml(brand.footer)}</div>\n` : ""}</body></html>`;
  const text = `${paragraphs.join("\n\n")}\n\n${brand.name}\n${brand.footer ? `\n${brand.footer}\n` : ""}`;
  return { to, subject, html, text };
}
