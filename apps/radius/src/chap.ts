import { createHash, timingSafeEqual } from "node:crypto";

/**
 * RFC 1994 CHAP as RADIUS carries it (RFC 2865 §5.3): CHAP-Password is the ident byte and
 * MD5(ident ‖ password ‖ challenge); the challenge is CHAP-Challenge, else the Request Authenticator.
 */
export function chapMatches(chapPassword: Buffer, challenge: Buffer, password: string): boolean {
  if (chapPassword.length !== 17) return false;
  const expected = createHash("md5")
    .update(chapPassword.subarray(0, 1))
    .update(password, "utf8")
    .update(challenge)
    .digest();
  return timingSafeEqual(expected, chapPassword.subarray(1));
}
