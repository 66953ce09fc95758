import type { DatabaseTarget } from "@dotmac/contracts";
import * as aws from "@pulumi/aws";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { PostgresDatabase, RoleConnectionLimit } from "./postgres-database.ts";

/** Where the `postgres` target's server is, as the engine sees it and as pods see it. */
export interface PostgresServerArgs {
  /** Admin URL the engine uses to create the database and role (a secret). */
  readonly adminUrl: pulumi.Input<string>;
  /** Host and port pods connect to; the admin URL's when absent. */
  readonly appHost?: string;
  readonly appPort?: number;
}

/**
 * The admin URL as pods reach the server (its host and port replaced by the app's): what a
 * control plane running in the cluster uses to make tenants' databases.
 */
export function adminUrlForPods(
  adminUrl: string,
  server: Pick<PostgresServerArgs, "appHost" | "appPort">,
): string {
  const url = new URL(adminUrl);
  if (server.appHost) url.hostname = server.appHost;
  if (server.appPort) url.port = String(server.appPort);
  return url.toString();
}

export interface DatabaseSizing {
  readonly storageGb: number;
  readonly awsInstanceClass: string;
  readonly gcpTier: string;
  /** RDS Multi-AZ / Cloud SQL REGIONAL. */
  readonly highlyAvailable: boolean;
  readonly backupRetentionDays: number;
  /** On a shared server (the `postgres` target): the role's CONNECTION LIMIT; none when absent. */
  readonly connectionLimit?: number;
}

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

const ENGINE_VERSION = "16";

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
    let password: pulumi.Output<string>;

    switch (target.target) {
      case "postgres": {
        if (!args.postgres)
          throw new Error(
            "the postgres database target needs the platform's Postgres server (args.postgres)",
          );
        const db = new PostgresDatabase(
          name,
          { adminUrl: args.postgres.adminUrl, database: databaseName, role: databaseName },
          { parent: this },
        );
        if (sizing.connectionLimit !== undefined) {
          new RoleConnectionLimit(
            `${name}-connection-limit`,
            { adminUrl: args.postgres.adminUrl, role: db.role, connectionLimit: sizing.connectionLimit },
            { parent: this },
          );
        }
        // Host and port are not secret, even though the URL they come from is.
        const admin = pulumi.unsecret(pulumi.output(args.postgres.adminUrl)).apply((u) => new URL(u));
        this.host = args.postgres.appHost
          ? pulumi.output(args.postgres.appHost)
          : admin.apply((u) => u.hostname);
        this.port = args.postgres.appPort
          ? pulumi.output(args.postgres.appPort)
          : admin.apply((u) => Number(u.port || 5432));
        this.name = db.database;
        this.user = db.role;
        password = db.password;
        break;
      }
      case "aws": {
        const pw = new random.RandomPassword(
          `${name}-password`,
          { length: 32, special: false },
          { parent: this },
        );
        const subnets = new aws.rds.SubnetGroup(
          `${name}-subnets`,
          { subnetIds: target.subnetIds, tags },
          { parent: this },
        );
        const sg = new aws.ec2.SecurityGroup(
          `${name}-sg`,
          {
            vpcId: target.vpcId,
            description: `Postgres ${databaseName}: reachable from the cluster only`,
            ingress: [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: target.clusterCidrs }],
            egress: [],
            tags,
          },
          { parent: this },
        );
        const instance = new aws.rds.Instance(
          `${name}-rds`,
          {
            engine: "postgres",
            engineVersion: ENGINE_VERSION,
            instanceClass: sizing.awsInstanceClass,
            allocatedStorage: sizing.storageGb,
            storageType: "gp3",
            storageEncrypted: true,
            publiclyAccessible: false,
            multiAz: sizing.highlyAvailable,
            backupRetentionPeriod: sizing.backupRetentionDays,
            deletionProtection: true,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: `${databaseName.replaceAll("_", "-")}-final`,
            copyTagsToSnapshot: true,
            autoMinorVersionUpgrade: true,
            dbName: databaseName,
            username: "dotmac_admin",
            password: pw.result,
            dbSubnetGroupName: subnets.name,
            vpcSecurityGroupIds: [sg.id],
            iamDatabaseAuthenticationEnabled: true,
            tags,
          },
          { parent: this },
        );
        this.host = instance.address;
        this.port = instance.port;
        this.name = pulumi.output(databaseName);
        this.user = instance.username;
        password = pw.result;
        break;
      }
      case "gcp": {
        const pw = new random.RandomPassword(
          `${name}-password`,
          { length: 32, special: false },
          { parent: this },
        );
        const instance = new gcp.sql.DatabaseInstance(
          `${name}-sql`,
          {
            project: target.project,
            region: args.region,
            databaseVersion: `POSTGRES_${ENGINE_VERSION}`,
            deletionProtection: true,
            settings: {
              tier: sizing.gcpTier,
              availabilityType: sizing.highlyAvailable ? "REGIONAL" : "ZONAL",
              diskSize: sizing.storageGb,
              diskAutoresize: true,
              deletionProtectionEnabled: true,
              ipConfiguration: {
                ipv4Enabled: false,
                privateNetwork: target.network,
                sslMode: "ENCRYPTED_ONLY",
              },
              backupConfiguration: {
                enabled: true,
                pointInTimeRecoveryEnabled: true,
                backupRetentionSettings: {
                  retainedBackups: sizing.backupRetentionDays,
                  retentionUnit: "COUNT",
                },
              },
              userLabels: tags,
            },
          },
          { parent: this },
        );
        const database = new gcp.sql.Database(
          `${name}-db`,
          { project: target.project, instance: instance.name, name: databaseName },
          { parent: this },
        );
        const user = new gcp.sql.User(
          `${name}-user`,
          { project: target.project, instance: instance.name, name: databaseName, password: pw.result },
          { parent: this },
        );
        this.host = instance.privateIpAddress;
        this.port = pulumi.output(5432);
        this.name = database.name;
        this.user = user.name;
        password = pw.result;
        break;
      }
    }

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
