export { createTenantDb, type TenantDb } from "./client.ts";
export { SecretBox } from "./crypto.ts";
export { migrateTenantDb, migrationsFolder } from "./migrate.ts";
export * from "./schema.ts";
