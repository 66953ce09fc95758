export { createPlatformDb, type PlatformDb } from "./client.ts";
export { migratePlatformDb, migrationsFolder } from "./migrate.ts";
export * from "./schema.ts";
