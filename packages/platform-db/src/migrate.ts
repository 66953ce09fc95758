import { fileURLToPath } from "node:url";
import { migrateUnderLock } from "@dotmac/postgres/migrate";

/** The migrations drizzle-kit generated from schema.ts (npm run generate -w @dotmac/platform-db). */
export const migrationsFolder = fileURLToPath(new URL("../migrations", import.meta.url));

/** Arbitrary but fixed: every replica of the automation API takes the same lock. */
const MIGRATION_LOCK = 0x646f746d6163; // "dotmac"

/** Brings the platform database to the latest schema; safe from several replicas at once. */
export const migratePlatformDb = (databaseUrl: string) =>
  migrateUnderLock(databaseUrl, migrationsFolder, MIGRATION_LOCK);
