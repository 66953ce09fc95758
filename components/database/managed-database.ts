import type { DatabaseTarget } from "@dotmac/contracts";
import * as pulumi from "@pulumi/pulumi";
import { cloudSqlDatabase } from "./cloud-sql.ts";
import type { DatabaseEndpoint, DatabaseSizing, PostgresServerArgs } from "./database-args.ts";
import { rdsDatabase } from "./rds.ts";
import { serverDatabase } from "./server-database.ts";

export interface ManagedDatabaseArgs {
  /** Database (and, on postgres and Cloud SQL, role) name: a Postgres identifier. */
  readonly databaseName: string;
  readonly target: DatabaseTarget;
  /** Cloud region (aws, gcp). */
  readonly region: string;
  readonly sizing: DatabaseSizing;
  readonly tags: Record<string, string>;
  /** Required for the `postgres` target. */
  readonly postgres?: PostgresServerArgs;
}

/**
 * A Postgres database on the target named: RDS (encrypted, private, backed up, deletion-protected),
 * Cloud SQL (private IP, backups with point-in-time recovery), or a database and role on an
 * existing server. Exposes a connection URL as a secret.
 */
export class ManagedDatabase extends pulumi.ComponentResource {
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly name: pulumi.Output<string>;
  readonly user: pulumi.Output<string>;
  /** postgres://user:password@host:port/name, secret. */
  readonly connectionUrl: pulumi.Output<string>;

  constructor(name: string, args: ManagedDatabaseArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dotmac:database:ManagedDatabase", name, {}, opts);
    const { target, sizing, tags, databaseName } = args;
    let endpoint: DatabaseEndpoint;
    switch (target.target) {
      case "postgres":
        if (!args.postgres)
          throw new Error(
            "the postgres database target needs the platform's Postgres server (args.postgres)",
          );
        endpoint = serverDatabase(name, databaseName, sizing, args.postgres, this);
        break;
      case "aws":
        endpoint = rdsDatabase(name, databaseName, sizing, target, tags, this);
        break;
      case "gcp":
        endpoint = cloudSqlDatabase(name, databaseName, sizing, target, args.region, tags, this);
        break;
    }
    this.host = endpoint.host;
    this.port = endpoint.port;
    this.name = endpoint.name;
    this.user = endpoint.user;
    const password = endpoint.password;

    this.connectionUrl = pulumi.secret(
      pulumi
        .all([this.user, password, this.host, this.port, this.name])
        .apply(
          ([u, p, h, port, n]) =>
            `postgres://${encodeURIComponent(u)}:${encodeURIComponent(p)}@${h}:${port}/${n}`,
        ),
    );
    this.registerOutputs({
      host: this.host,
      port: this.port,
      name: this.name,
      user: this.user,
      connectionUrl: this.connectionUrl,
    });
  }
}
