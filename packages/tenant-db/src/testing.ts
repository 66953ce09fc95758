import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createThrowawayDatabase, startPostgres } from "@dotmac/devkit";
import { createTenantDb, type TenantDb } from "./client.ts";
import { migrateTenantDb } from "./migrate.ts";

/** For tests: a migrated tenant database on a real embedded Postgres, for one test file. */
export async function startTenantDatabase(): Promise<{ url: string; db: TenantDb; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "dotmac-pg-"));
  const server = await startPostgres({ dir, ephemeral: true });
  const database = await createThrowawayDatabase(server.url, "tenant");
  await migrateTenantDb(database.url);
  const { db, close } = createTenantDb(database.url, { max: 8 });
  return {
    url: database.url,
    db,
    stop: async () => {
      await close();
      await database.drop();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
