import { createHash, randomBytes } from "node:crypto";

/** A new bearer secret: a readable prefix, then 256 random bits. */
export function newSecret(prefix: "dmp" | "dms" | "dmo" | "dmt" | "dmc" | "dml"): string {
  return `${prefix}_${randomBytes(32).toString("base64url")}`;
}

/** Tokens and session ids are high-entropy, so one SHA-256 is enough to keep them out of the table. */
export const hashSecret = (secret: string) => createHash("sha256").update(secret).digest("hex");
