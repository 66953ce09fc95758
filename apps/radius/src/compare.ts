import { createHash, timingSafeEqual } from "node:crypto";

/** Equal bytes, compared in a time that does not depend on where they first differ. */
export const sameBytes = (a: Buffer, b: Buffer): boolean => a.length === b.length && timingSafeEqual(a, b);

const digest = (s: string) => createHash("sha256").update(s, "utf8").digest();

/** Equal strings (a password against the stored one), in a time that reveals neither's length. */
export const sameText = (a: string, b: string): boolean => sameBytes(digest(a), digest(b));
