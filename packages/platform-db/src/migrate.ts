import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

/** The migrations drizzle-kit generated from schema.ts (npm run generate -w @dotmac/platform-db). */
export const migrationsFolder = fileURLToPath(new URL("../migrations", import.meta.url));

/** Arbitrary but fixed: every replica of the automation API takes the same lock. */
const MIGRATION_LOCK = 0x646f746d6163; // "dotmac"

/**
 * Brings the database to the latest schema. Several replicas may start at once: each waits for
 * the advisory lock, and whoever comes second finds nothing left to do.
 */
export async function migratePlatformDb(databaseUrl: string): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK})`;
    try {
      await migrate(drizzle({ client: sql }), { migrationsFolder });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK})`;
    }
  } finally {
    await sql.end();
  }
}
