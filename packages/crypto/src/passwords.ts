import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/** OWASP's floor for scrypt (Password Storage Cheat Sheet): N=2^17, r=8, p=1, 128 MiB per hash. */
export const OWASP_SCRYPT_N = 2 ** 17;

/**
 * The scrypt cost: OWASP's floor, unless DOTMAC_SCRYPT_N names another power of two of at least
 * 2^14 (the test runner's, so hundreds of sign-ins do not take minutes; never a deployment's).
 */
export function scryptCost(env: Record<string, string | undefined> = process.env): number {
  const asked = Number(env.DOTMAC_SCRYPT_N ?? OWASP_SCRYPT_N);
  if (!Number.isInteger(Math.log2(asked)) || asked < 2 ** 14)
    throw new Error(`DOTMAC_SCRYPT_N must be a power of two of at least 16384, not ${env.DOTMAC_SCRYPT_N}`);
  return asked;
}

const N = scryptCost();
const r = 8;
const p = 1;
const keyLength = 32;
/** Hashes at once: each holds 128 MiB and a core for about half a second; the rest wait their turn. */
const MAX_HASHING = 2;

const hashing = { active: 0, waiting: [] as (() => void)[] };

/** How many hashes run and wait now (what the cap holds to MAX_HASHING at a time). */
export const passwordHashing = () => ({ active: hashing.active, waiting: hashing.waiting.length });

async function derive(password: string, salt: Buffer, n = N, rr = r, pp = p): Promise<Buffer> {
  // A slot is handed straight to the next waiter, so the count never passes the cap.
  if (hashing.active >= MAX_HASHING) await new Promise<void>((resolve) => hashing.waiting.push(resolve));
  else hashing.active += 1;
  try {
    return await new Promise((resolve, reject) =>
      scrypt(password, salt, keyLength, { N: n, r: rr, p: pp, maxmem: 256 * 1024 * 1024 }, (err, key) =>
        err ? reject(err) : resolve(key),
      ),
    );
  } finally {
    const next = hashing.waiting.shift();
    if (next) next();
    else hashing.active -= 1;
  }
}

/** Whether a stored hash is weaker than today's parameters: re-hash it at the next good sign-in. */
export function needsRehash(stored: string): boolean {
  const [scheme, n, rr, pp] = stored.split("$");
  return scheme !== "scrypt" || Number(n) < N || Number(rr) < r || Number(pp) < p;
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
