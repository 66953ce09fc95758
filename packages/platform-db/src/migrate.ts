import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

/** The migrations drizzle-kit generated from schema.ts (npm run generate -w @dotmac/platform-db). */
export const migrationsFolder = fileURLToPath(new URL("../migrations", import.meta.url));

/** Arbitrary but fixed: every replica of the automation API takes the same lock. */
const MIGRATION_LOCK = 0x646f746d6163; // "dotmac"

/**
 * Applies a folder of drizzle migrations. Several replicas may start at once: each waits for the
 * advisory lock, and whoever comes second finds nothing left to do. The tenant database uses it
 * too, with a lock of its own.
 */
export async function migrateUnderLock(databaseUrl: string, folder: string, lock: number): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${lock})`;
    try {
      await migrate(drizzle({ client: sql }), { migrationsFolder: folder });
    } finally {
      await sql`select pg_advisory_unlock(${lock})`;
    }
  } finally {
    await sql.end();
  }
}

/** Brings the platform database to the latest schema. */
export const migratePlatformDb = (databaseUrl: string) =>
  migrateUnderLock(databaseUrl, migrationsFolder, MIGRATION_LOCK);
