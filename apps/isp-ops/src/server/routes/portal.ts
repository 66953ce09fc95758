import { ProblemError } from "@dotmac/http/problem";
import type { SessionCookie } from "@dotmac/http/session-cookie";
import type { SignInLimiter } from "@dotmac/http/sign-in-limiter";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { invoicePdfFile, receiptPdfFile, startCheckout } from "../billing/invoice-actions.ts";
import { CUSTOMER_SESSION_HOURS, customerLogin, customerLogout, findCustomer } from "../portal/customers.ts";
import { mailSetPasswordLink, setPasswordWithLink } from "../portal/links.ts";
import { ownInvoice, ownInvoices, ownPayment } from "../portal/own-invoices.ts";
import { openOwnTicket, ownTicket, ownTickets, replyOwnTicket } from "../portal/own-tickets.ts";
import { portalService } from "../portal/service.ts";
import { portalUsage } from "../portal/usage.ts";
import { clientAddress } from "./auth.ts";
import { createRouter, customerOf, knownId, staffOf } from "./context.ts";
import * as routes from "./portal.routes.ts";

const tooMany = (wait: number) =>
  new ProblemError(429, {
    detail: `too many attempts for this account or address: try again in ${wait} s`,
    retryAfterSeconds: wait,
  });

/**
 * The customer portal's API: a subscriber's own session (its cookie apart from staff's), sign-in
 * and the e-mailed set-password links rate-limited per account and address, and only their own
 * service and tickets.
 */
export function portalRouter(cookie: SessionCookie, signIns: SignInLimiter, linkRequests: SignInLimiter) {
  return createRouter()
    .openapi(routes.invite, async (c) => {
      const id = knownId(c.req.valid("param").id, "subscriber");
      const sent = await mailSetPasswordLink(c.var.deps, id, {
        why: "invite",
        actor: staffOf(c).id,
      });
      if (!sent) throw new ProblemError(404, { detail: "no such subscriber" });
      return c.json(sent, 200);
    })
    .openapi(routes.login, async (c) => {
      const { identifier, password } = c.req.valid("json");
      const key = identifier.trim().toLowerCase();
      const address = clientAddress(c.req.raw.headers);
      const wait = signIns.refusal(key, address);
      if (wait !== undefined) throw tooMany(wait);
      const { token, customer } = await customerLogin(c.var.deps.db, identifier, password).catch(
        (error: unknown) => {
          if (error instanceof ProblemError && error.status === 401) signIns.failed(key, address);
          throw error;
        },
      );
      signIns.succeeded(key);
      setCookie(c, cookie.name, token, { ...cookie.options, maxAge: CUSTOMER_SESSION_HOURS * 3600 });
      return c.json({ accountNumber: customer.accountNumber, name: customer.name }, 200);
    })
    .openapi(routes.logout, async (c) => {
      const token = getCookie(c, cookie.name);
      if (token) await customerLogout(c.var.deps.db, token);
      deleteCookie(c, cookie.name, cookie.options);
      return c.body(null, 204);
    })
    .openapi(routes.requestLink, async (c) => {
      const { identifier } = c.req.valid("json");
      const key = identifier.trim().toLowerCase();
      const address = clientAddress(c.req.raw.headers);
      const wait = linkRequests.refusal(key, address);
      if (wait !== undefined) throw tooMany(wait);
      // Every request counts, found or not: a mailbox is not to be flooded with links.
      linkRequests.failed(key, address);
      const customer = await findCustomer(c.var.deps.db, identifier);
      if (customer) {
        await mailSetPasswordLink(c.var.deps, customer.id, {
          why: "reset",
          actor: { system: "portal-password-link" },
        });
      }
      return c.body(null, 202);
    })
    .openapi(routes.setPassword, async (c) => {
      const { token, password } = c.req.valid("json");
      await setPasswordWithLink(c.var.deps.db, token, password);
      return c.body(null, 204);
    })
    .openapi(routes.service, async (c) => {
      const found = await portalService(c.var.deps.db, customerOf(c));
      if (!found) throw new ProblemError(401, { detail: "sign in to the portal first" });
      return c.json(found, 200);
    })
    .openapi(routes.usage, async (c) => {
      const found = await portalUsage(c.var.deps.db, customerOf(c));
      if (!found) throw new ProblemError(401, { detail: "sign in to the portal first" });
      return c.json(found, 200);
    })
    .openapi(routes.tickets, async (c) =>
      c.json({ items: await ownTickets(c.var.deps.db, customerOf(c)) }, 200),
    )
    .openapi(routes.openTicket, async (c) =>
      c.json(await openOwnTicket(c.var.deps, customerOf(c), c.req.valid("json")), 201),
    )
    .openapi(routes.ticket, async (c) => {
      const found = await ownTicket(c.var.deps.db, customerOf(c), knownId(c.req.valid("param").id, "ticket"));
      if (!found) throw new ProblemError(404, { detail: "no such ticket" });
      return c.json(found, 200);
    })
    .openapi(routes.invoices, async (c) => c.json(await ownInvoices(c.var.deps.db, customerOf(c)), 200))
    .openapi(routes.invoicePdf, async (c) => {
      const found = await ownInvoice(
        c.var.deps.db,
        customerOf(c),
        knownId(c.req.valid("param").id, "invoice"),
      );
      if (!found) throw new ProblemError(404, { detail: "no such invoice" });
      const file = await invoicePdfFile(c.var.deps, found);
      return c.body(file.bytes, 200, file.headers);
    })
    .openapi(routes.receiptPdf, async (c) => {
      const found = await ownPayment(
        c.var.deps.db,
        customerOf(c),
        knownId(c.req.valid("param").id, "payment"),
      );
      if (!found) throw new ProblemError(404, { detail: "no such payment" });
      const file = await receiptPdfFile(c.var.deps, found);
      return c.body(file.bytes, 200, file.headers);
    })
    .openapi(routes.checkout, async (c) => {
      const customer = customerOf(c);
      const found = await ownInvoice(c.var.deps.db, customer, knownId(c.req.valid("param").id, "invoice"));
      if (!found) throw new ProblemError(404, { detail: "no such invoice" });
      return c.json(
        await startCheckout(c.var.deps, found, "/portal/invoices", { subscriber: customer.id }),
        201,
      );
    })
    .openapi(routes.reply, async (c) =>
      c.json(
        await replyOwnTicket(
          c.var.deps.db,
          customerOf(c),
          knownId(c.req.valid("param").id, "ticket"),
          c.req.valid("json").body,
        ),
        201,
      ),
    );
}
