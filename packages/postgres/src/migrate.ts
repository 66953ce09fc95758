import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

/**
 * Applies a folder of drizzle migrations. Several replicas may start at once: each waits for the
 * advisory lock (one per database kind), and whoever comes second finds nothing left to do.
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
