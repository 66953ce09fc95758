import { POSTGRES_SESSION_TIMEOUTS } from "@dotmac/contracts";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema.ts";

/** A pooled connection to the platform database, with the schema's snake_case names. */
export function createPlatformDb(databaseUrl: string, opts: { max?: number } = {}) {
  const client = postgres(databaseUrl, {
    max: opts.max ?? 10,
    onnotice: () => {},
    connection: POSTGRES_SESSION_TIMEOUTS,
  });
  return { db: drizzle({ client, schema, casing: "snake_case" }), close: () => client.end() };
}

export type PlatformDb = ReturnType<typeof createPlatformDb>["db"];
export type PlatformTx = Parameters<Parameters<PlatformDb["transaction"]>[0]>[0];
