import { createPool } from "@dotmac/postgres/pool";
import { drizzle } from "drizzle-orm/postgres-js";
import * as schema from "./schema.ts";

/** A pooled connection to one tenant's database (snake_case names, as drizzle-kit made them). */
export function createTenantDb(databaseUrl: string, opts: { max?: number } = {}) {
  const client = createPool(databaseUrl, opts);
  return { db: drizzle({ client, schema, casing: "snake_case" }), close: () => client.end() };
}

export type TenantDb = ReturnType<typeof createTenantDb>["db"];

/** The handle inside `db.transaction(...)`. */
export type TenantTx = Parameters<Parameters<TenantDb["transaction"]>[0]>[0];
