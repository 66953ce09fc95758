import {
  PortalAccount,
  PortalContactUpdate,
  PortalEmailChange,
  PortalEmailConfirm,
  PortalLinkSent,
  PortalPasswordChange,
} from "@dotmac/contracts";
import { json, jsonBody, problems, route } from "@dotmac/http/router";
import { customerSignedIn } from "./context.ts";

// The subscriber's own account in the portal: contact details, a new e-mail address, the password.

const tags = ["customer portal"];
const own = [customerSignedIn];

export const account = route({
  method: "get",
  path: "/portal/account",
  tags,
  summary: "The subscriber's contact details, and an address waiting for its confirmation",
  middleware: own,
  responses: { 200: json(PortalAccount, "their account"), ...problems() },
});

export const updateContact = route({
  method: "patch",
  path: "/portal/account",
  tags,
  summary: "Change the phone number",
  middleware: own,
  request: { body: jsonBody(PortalContactUpdate) },
  responses: { 200: json(PortalAccount, "their account"), ...problems(400, 415) },
});

export const changeEmail = route({
  method: "post",
  path: "/portal/account/email",
  tags,
  summary:
    "Move the contact e-mail: a link (24 h) goes to the new address, the old one is told; nothing changes until it is opened",
  middleware: own,
  request: { body: jsonBody(PortalEmailChange) },
  responses: { 202: json(PortalLinkSent, "the link was mailed"), ...problems(400, 415, 503) },
});

export const confirmEmail = route({
  method: "post",
  path: "/portal/account/email/confirm",
  tags,
  summary: "Confirm a new e-mail address with its link's token (once; no session needed)",
  security: [],
  request: { body: jsonBody(PortalEmailConfirm) },
  responses: { 204: { description: "the address is the subscriber's now" }, ...problems(400, 415) },
});

export const changePassword = route({
  method: "post",
  path: "/portal/account/password",
  tags,
  summary: "A new password, the current one given; every other portal session ends",
  middleware: own,
  request: { body: jsonBody(PortalPasswordChange) },
  responses: { 204: { description: "changed" }, ...problems(400, 415, 429) },
});
