import { createPool } from "@dotmac/postgres/pool";
import { drizzle } from "drizzle-orm/postgres-js";
import * as schema from "./schema.ts";

/** A pooled connection to the platform database, with the schema's snake_case names. */
export function createPlatformDb(databaseUrl: string, opts: { max?: number } = {}) {
  const client = createPool(databaseUrl, opts);
  return { db: drizzle({ client, schema, casing: "snake_case" }), close: () => client.end() };
}

export type PlatformDb = ReturnType<typeof createPlatformDb>["db"];
export type PlatformTx = Parameters<Parameters<PlatformDb["transaction"]>[0]>[0];
