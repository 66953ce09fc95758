export {
  type DatabaseSizing,
  ManagedDatabase,
  type ManagedDatabaseArgs,
  type PostgresServerArgs,
} from "./managed-database.ts";
export { PostgresDatabase, pgIdentifier, tenantDatabaseName } from "./postgres-database.ts";
