export { createPlatformDb, type PlatformDb, type PlatformTx } from "./client.ts";
export { migratePlatformDb, migrationsFolder } from "./migrate.ts";
export * from "./schema.ts";
