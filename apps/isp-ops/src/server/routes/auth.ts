import { ProblemError } from "@dotmac/http/problem";
import type { SessionCookie } from "@dotmac/http/session-cookie";
import type { SignInLimiter } from "@dotmac/http/sign-in-limiter";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { login, logout, SESSION_HOURS } from "../auth.ts";
import { setStaffPassword } from "../staff-invitations.ts";
import * as routes from "./auth.routes.ts";
import { createRouter, staffOf } from "./context.ts";

/**
 * Who is signing in, as the nearest proxy was told (the ingress controller, or Next's own server,
 * appends the peer it saw): the first X-Forwarded-For entry. A client can forge it only to dodge
 * the address limit; the account limit holds regardless.
 */
export const clientAddress = (headers: Headers) =>
  headers.get("x-forwarded-for")?.split(",")[0]?.trim() || "unknown";

export function authRouter(cookie: SessionCookie, signIns: SignInLimiter) {
  return createRouter()
    .openapi(routes.login, async (c) => {
      const input = c.req.valid("json");
      const address = clientAddress(c.req.raw.headers);
      const wait = signIns.refusal(input.email, address);
      if (wait !== undefined) {
        throw new ProblemError(429, {
          detail: `too many failed sign-ins for this account or address: try again in ${wait} s`,
          retryAfterSeconds: wait,
        });
      }
      const { token, staff } = await login(c.var.deps.db, input.email, input.password).catch(
        (error: unknown) => {
          if (error instanceof ProblemError && error.status === 401) signIns.failed(input.email, address);
          throw error;
        },
      );
      signIns.succeeded(input.email);
      setCookie(c, cookie.name, token, { ...cookie.options, maxAge: SESSION_HOURS * 3600 });
      return c.json({ staff: { ...staff, permissions: [...staff.permissions] } }, 200);
    })
    .openapi(routes.logout, async (c) => {
      const token = getCookie(c, cookie.name);
      if (token) await logout(c.var.deps.db, token);
      deleteCookie(c, cookie.name, cookie.options);
      return c.body(null, 204);
    })
    .openapi(routes.setPassword, async (c) => {
      await setStaffPassword(c.var.deps, c.req.valid("json"));
      return c.body(null, 204);
    })
    .openapi(routes.me, (c) => {
      const staff = staffOf(c);
      return c.json({ ...staff, permissions: [...staff.permissions] }, 200);
    });
}
