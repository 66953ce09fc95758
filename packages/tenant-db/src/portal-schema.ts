// The customer portal's tables: subscribers' own passwords, sessions and e-mailed single-use links, apart from staff's.
import { CustomerLinkPurpose } from "@dotmac/contracts";
import { sql } from "drizzle-orm";
import { check, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, oneOf } from "./columns.ts";
import { subscribers } from "./schema.ts";

/** A subscriber's portal password, as a hash only; none until they set one from an e-mailed link. */
export const customerCredentials = pgTable("customer_credentials", {
  subscriberId: uuid()
    .primaryKey()
    .references(() => subscribers.id, { onDelete: "cascade" }),
  passwordHash: text().notNull(),
  updatedAt: createdAt(),
});

export const customerSessions = pgTable(
  "customer_sessions",
  {
    id: uuid().primaryKey().defaultRandom(),
    tokenHash: text().notNull(),
    subscriberId: uuid()
      .notNull()
      .references(() => subscribers.id, { onDelete: "cascade" }),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("customer_sessions_hash").on(t.tokenHash),
    index("customer_sessions_subscriber").on(t.subscriberId),
  ],
);

/**
 * A link mailed to a subscriber (set a password, confirm a new e-mail): only its token's hash is
 * kept; it works once, before it expires, and a newer link of the same purpose replaces it.
 */
export const customerLinks = pgTable(
  "customer_links",
  {
    id: uuid().primaryKey().defaultRandom(),
    tokenHash: text().notNull(),
    subscriberId: uuid()
      .notNull()
      .references(() => subscribers.id, { onDelete: "cascade" }),
    purpose: text().$type<CustomerLinkPurpose>().notNull(),
    /** A confirm_email link's new address. */
    email: text(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    usedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("customer_links_hash").on(t.tokenHash),
    index("customer_links_subscriber").on(t.subscriberId, t.purpose),
    check("customer_links_purpose", oneOf("purpose", CustomerLinkPurpose.options)),
    check("customer_links_email", sql`(${t.purpose} = 'confirm_email') = (${t.email} is not null)`),
  ],
);
