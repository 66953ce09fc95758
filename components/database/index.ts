export type { DatabaseSizing, PostgresServerArgs } from "./database-args.ts";
export { ManagedDatabase, type ManagedDatabaseArgs } from "./managed-database.ts";
export { PostgresDatabase, pgIdentifier, tenantDatabaseName } from "./postgres-database.ts";
