import { type TenantSpec, tiers } from "@dotmac/contracts";
import * as aws from "@pulumi/aws";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { PostgresDatabase, tenantDatabaseName } from "./postgres-database.ts";

/** Where the `postgres` target's server is, as the platform sees it and as tenant pods see it. */
export interface PostgresServerArgs {
  /** Admin URL the engine uses to create the database and role (a secret). */
  readonly adminUrl: pulumi.Input<string>;
  /** Host and port tenant pods connect to; the admin URL's when absent. */
  readonly appHost?: string;
  readonly appPort?: number;
}

export interface TenantDatabaseArgs {
  readonly spec: TenantSpec;
  /** Required for the `postgres` target. */
  readonly postgres?: PostgresServerArgs;
}

const ENGINE_VERSION = "16";

/**
 * One tenant's database on the target its spec names: RDS, Cloud SQL, or a database and role on
 * an existing Postgres server. Exposes a connection URL as a secret.
 */
export class TenantDatabase extends pulumi.ComponentResource {
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly name: pulumi.Output<string>;
  readonly user: pulumi.Output<string>;
  /** postgres://user:password@host:port/name, secret. */
  readonly connectionUrl: pulumi.Output<string>;

  constructor(name: string, args: TenantDatabaseArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dotmac:tenant:Database", name, {}, opts);
    const { spec } = args;
    const tier = tiers[spec.plan];
    const dbName = tenantDatabaseName(spec.slug);
    const tags = {
      "dotmac-tenant-slug": spec.slug,
      "dotmac-tenant-id": spec.tenantId,
      "dotmac-plan-tier": spec.plan,
    };
    let password: pulumi.Output<string>;

    switch (spec.database.target) {
      case "postgres": {
        if (!args.postgres)
          throw new Error(
            "the postgres database target needs the platform's Postgres server (args.postgres)",
          );
        const db = new PostgresDatabase(
          name,
          { adminUrl: args.postgres.adminUrl, database: dbName, role: dbName },
          { parent: this },
        );
        const admin = pulumi.output(args.postgres.adminUrl).apply((u) => new URL(u));
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
        const target = spec.database;
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
            description: `Postgres for tenant ${spec.slug}: reachable from the cluster only`,
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
            instanceClass: tier.database.awsInstanceClass,
            allocatedStorage: tier.database.storageGb,
            storageType: "gp3",
            storageEncrypted: true,
            publiclyAccessible: false,
            multiAz: tier.database.highlyAvailable,
            backupRetentionPeriod: tier.database.backupRetentionDays,
            deletionProtection: true,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: `${dbName.replaceAll("_", "-")}-final`,
            copyTagsToSnapshot: true,
            autoMinorVersionUpgrade: true,
            dbName,
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
        this.name = pulumi.output(dbName);
        this.user = instance.username;
        password = pw.result;
        break;
      }
      case "gcp": {
        const target = spec.database;
        const pw = new random.RandomPassword(
          `${name}-password`,
          { length: 32, special: false },
          { parent: this },
        );
        const instance = new gcp.sql.DatabaseInstance(
          `${name}-sql`,
          {
            project: target.project,
            region: spec.region,
            databaseVersion: `POSTGRES_${ENGINE_VERSION}`,
            deletionProtection: true,
            settings: {
              tier: tier.database.gcpTier,
              availabilityType: tier.database.highlyAvailable ? "REGIONAL" : "ZONAL",
              diskSize: tier.database.storageGb,
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
                  retainedBackups: tier.database.backupRetentionDays,
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
          { project: target.project, instance: instance.name, name: dbName },
          { parent: this },
        );
        const user = new gcp.sql.User(
          `${name}-user`,
          { project: target.project, instance: instance.name, name: dbName, password: pw.result },
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
