import { fileURLToPath } from "node:url";
import { migrateUnderLock } from "@dotmac/postgres/migrate";

/** The migrations drizzle-kit generated from schema.ts (npm run generate -w @dotmac/tenant-db). */
export const migrationsFolder = fileURLToPath(new URL("../migrations", import.meta.url));

/** Not the platform's lock: a tenant's isp-ops and RADIUS replicas take this one. */
const MIGRATION_LOCK = 0x646f746d6174;

/** Brings a tenant database to the latest schema; safe from several replicas at once. */
export const migrateTenantDb = (databaseUrl: string) =>
  migrateUnderLock(databaseUrl, migrationsFolder, MIGRATION_LOCK);
