import type { DatabaseTarget } from "@dotmac/contracts";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { type DatabaseEndpoint, type DatabaseSizing, ENGINE_VERSION } from "./database-args.ts";

/** The `gcp` target: a Cloud SQL instance on a private IP, with backups and point-in-time recovery. */
export function cloudSqlDatabase(
  name: string,
  databaseName: string,
  sizing: DatabaseSizing,
  target: Extract<DatabaseTarget, { target: "gcp" }>,
  region: string,
  tags: Record<string, string>,
  parent: pulumi.Resource,
): DatabaseEndpoint {
  const pw = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent });
  const instance = new gcp.sql.DatabaseInstance(
    `${name}-sql`,
    {
      project: target.project,
      region,
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
    { parent },
  );
  const database = new gcp.sql.Database(
    `${name}-db`,
    { project: target.project, instance: instance.name, name: databaseName },
    { parent },
  );
  const user = new gcp.sql.User(
    `${name}-user`,
    { project: target.project, instance: instance.name, name: databaseName, password: pw.result },
    { parent },
  );
  return {
    host: instance.privateIpAddress,
    port: pulumi.output(5432),
    name: database.name,
    user: user.name,
    password: pw.result,
  };
}
