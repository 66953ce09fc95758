import * as pulumi from "@pulumi/pulumi";
import type { DatabaseEndpoint, DatabaseSizing, PostgresServerArgs } from "./database-args.ts";
import { PostgresDatabase, RoleConnectionLimit } from "./postgres-database.ts";

/** The `postgres` target: a database and role of their own on an existing server, its connections capped. */
export function serverDatabase(
  name: string,
  databaseName: string,
  sizing: DatabaseSizing,
  server: PostgresServerArgs,
  parent: pulumi.Resource,
): DatabaseEndpoint {
  const db = new PostgresDatabase(
    name,
    { adminUrl: server.adminUrl, database: databaseName, role: databaseName },
    { parent },
  );
  if (sizing.connectionLimit !== undefined) {
    new RoleConnectionLimit(
      `${name}-connection-limit`,
      { adminUrl: server.adminUrl, role: db.role, connectionLimit: sizing.connectionLimit },
      { parent },
    );
  }
  // Host and port are not secret, even though the URL they come from is.
  const admin = pulumi.unsecret(pulumi.output(server.adminUrl)).apply((u) => new URL(u));
  const host = server.appHost ? pulumi.output(server.appHost) : admin.apply((u) => u.hostname);
  const port = server.appPort ? pulumi.output(server.appPort) : admin.apply((u) => Number(u.port || 5432));
  return { host, port, name: db.database, user: db.role, password: db.password };
}
