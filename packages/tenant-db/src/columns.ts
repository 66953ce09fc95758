import { sql } from "drizzle-orm";
import { customType, timestamp } from "drizzle-orm/pg-core";

/** Encrypted secrets: nonce, tag and ciphertext in one column (see @dotmac/crypto/secret-box). */
export const bytea = customType<{ data: Buffer; driverData: Buffer }>({ dataType: () => "bytea" });

export const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();

/** A check that a text column holds one of an enum's values (the enum lives in @dotmac/contracts). */
export const oneOf = (column: string, values: readonly string[]) =>
  sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(", ")})`);
