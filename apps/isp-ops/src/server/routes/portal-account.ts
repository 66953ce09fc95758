import { ProblemError } from "@dotmac/http/problem";
import type { SessionCookie } from "@dotmac/http/session-cookie";
import type { SignInLimiter } from "@dotmac/http/sign-in-limiter";
import type { TenantDb } from "@dotmac/tenant-db";
import { getCookie } from "hono/cookie";
import {
  changePassword,
  confirmEmail,
  mailEmailConfirmation,
  portalAccount,
  updateContact,
} from "../portal/account.ts";
import type { Customer } from "../portal/customers.ts";
import { clientAddress } from "./auth.ts";
import { createRouter, customerOf } from "./context.ts";
import * as routes from "./portal-account.routes.ts";

/**
 * The subscriber's account: phone at once, a new e-mail once its link is opened, a new password
 * with the current one (wrong guesses count as failed sign-ins do: a stolen session cannot try
 * passwords without end).
 */
export function portalAccountRouter(cookie: SessionCookie, passwordChecks: SignInLimiter) {
  const current = async (db: TenantDb, customer: Customer) => {
    const found = await portalAccount(db, customer);
    if (!found) throw new ProblemError(401, { detail: "sign in to the portal first" });
    return found;
  };
  return createRouter()
    .openapi(routes.account, async (c) => c.json(await current(c.var.deps.db, customerOf(c)), 200))
    .openapi(routes.updateContact, async (c) => {
      const customer = customerOf(c);
      await updateContact(c.var.deps.db, customer, c.req.valid("json"));
      return c.json(await current(c.var.deps.db, customer), 200);
    })
    .openapi(routes.changeEmail, async (c) =>
      c.json(await mailEmailConfirmation(c.var.deps, customerOf(c), c.req.valid("json").email), 202),
    )
    .openapi(routes.confirmEmail, async (c) => {
      await confirmEmail(c.var.deps.db, c.req.valid("json").token);
      return c.body(null, 204);
    })
    .openapi(routes.changePassword, async (c) => {
      const customer = customerOf(c);
      const key = String(customer.accountNumber);
      const address = clientAddress(c.req.raw.headers);
      const wait = passwordChecks.refusal(key, address);
      if (wait !== undefined) {
        throw new ProblemError(429, {
          detail: `too many wrong passwords: try again in ${wait} s`,
          retryAfterSeconds: wait,
        });
      }
      const token = getCookie(c, cookie.name) ?? "";
      if (!(await changePassword(c.var.deps.db, customer, c.req.valid("json"), token))) {
        passwordChecks.failed(key, address);
        const message = "this is not your current password";
        throw new ProblemError(400, { detail: message, errors: [{ path: "currentPassword", message }] });
      }
      passwordChecks.succeeded(key);
      return c.body(null, 204);
    });
}
