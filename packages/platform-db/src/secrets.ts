import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/** A new bearer secret: a readable prefix, then 256 random bits. */
export function newSecret(prefix: "dmp" | "dms" | "dmo" | "dmt"): string {
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}

/** Tokens and session ids are high-entropy, so one SHA-256 is enough to keep them out of the table. */
export const hashSecret = (secret: string) => createHash("sha256").update(secret).digest("hex");

const N = 16384;
const r = 8;
const p = 1;
const keyLength = 32;

function derive(password: string, salt: Buffer, n = N, rr = r, pp = p): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyLength, { N: n, r: rr, p: pp, maxmem: 64 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
}

/** Passwords are people's: slow, salted scrypt, with its parameters stored beside the hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt);
  return `scrypt$${N}$${r}$${p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, rr, pp, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !key) return false;
  const expected = Buffer.from(key, "base64url");
  const actual = await derive(password, Buffer.from(salt, "base64url"), Number(n), Number(rr), Number(pp));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Spent on unknown e-mails too, so a login's timing does not tell which accounts exist. */
export const dummyPasswordHash = hashPassword(randomBytes(16).toString("hex"));
