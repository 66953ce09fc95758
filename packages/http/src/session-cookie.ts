/** How a session cookie is named and what it carries (hono's setCookie options). */
export interface SessionCookie {
  readonly name: string;
  readonly options: {
    readonly httpOnly: true;
    readonly sameSite: "Strict";
    readonly secure: boolean;
    readonly path: "/";
  };
}

/**
 * A session cookie for the whole host: HttpOnly, SameSite=Strict, and by default `Secure` and
 * named `__Host-<base>`, so that no subdomain and no plain-HTTP page can set or shadow it.
 * Browsers count http://localhost, *.localhost and 127.0.0.1 as secure, so local development
 * keeps the default; only an app explicitly served over plain HTTP elsewhere (`plainHttp`) drops
 * both, since a browser ignores a `__Host-` cookie without `Secure`.
 */
export function sessionCookie(base: string, plainHttp = false): SessionCookie {
  return {
    name: plainHttp ? base : `__Host-${base}`,
    options: { httpOnly: true, sameSite: "Strict", secure: !plainHttp, path: "/" },
  };
}
