import { z } from "zod";
import { TicketCategory } from "./helpdesk.ts";

// The customer portal's requests (a subscriber's own session, apart from staff's); its answers are in portal-responses.ts.

/** What a link mailed to a subscriber lets them do once. */
export const CustomerLinkPurpose = z.enum(["set_password", "confirm_email"]);
export type CustomerLinkPurpose = z.infer<typeof CustomerLinkPurpose>;

/** An account number (digits) or the subscriber's e-mail address. */
const identifier = z.string().trim().min(1).max(254).describe("account number or e-mail address");

export const CustomerLogin = z.object({ identifier, password: z.string().min(1).max(1024) }).strict();
export type CustomerLogin = z.infer<typeof CustomerLogin>;

/** Forgot the password (or never had one): a set-password link goes to the address on file. */
export const CustomerLinkRequest = z.object({ identifier }).strict();

export const CustomerPassword = z.string().min(10).max(1024);

/** The e-mailed link's token and the new password. */
export const CustomerSetPassword = z
  .object({ token: z.string().min(20).max(200), password: CustomerPassword })
  .strict();

export const PortalTicketCreate = z
  .object({
    subject: z.string().trim().min(1).max(200),
    category: TicketCategory,
    body: z.string().trim().min(1).max(20_000),
  })
  .strict();
export type PortalTicketCreate = z.infer<typeof PortalTicketCreate>;

export const PortalMessageCreate = z.object({ body: z.string().trim().min(1).max(20_000) }).strict();

/** The subscriber's own contact details they change at once (an e-mail address waits for its link). */
export const PortalContactUpdate = z
  .object({
    phone: z
      .string()
      .trim()
      .max(40)
      .regex(/^[+0-9 ()./-]*$/, "digits, spaces and + ( ) . / - only")
      .transform((s) => (s === "" ? null : s))
      .nullable(),
  })
  .strict();
export type PortalContactUpdate = z.infer<typeof PortalContactUpdate>;

/** A new contact e-mail address: it takes effect once the link mailed to it is opened. */
export const PortalEmailChange = z.object({ email: z.email().max(254) }).strict();

/** The token of the link mailed to a new address. */
export const PortalEmailConfirm = z.object({ token: z.string().min(20).max(200) }).strict();

/** A new password while signed in, the current one to prove it is them. */
export const PortalPasswordChange = z
  .object({ currentPassword: z.string().min(1).max(1024), password: CustomerPassword })
  .strict()
  .refine((p) => p.password !== p.currentPassword, {
    path: ["password"],
    message: "the new password must differ from the current one",
  });
