import type { DatabaseTarget } from "@dotmac/contracts";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { type DatabaseEndpoint, type DatabaseSizing, ENGINE_VERSION } from "./database-args.ts";

/** The `aws` target: an RDS instance, encrypted, private to the cluster's networks, backed up and deletion-protected. */
export function rdsDatabase(
  name: string,
  databaseName: string,
  sizing: DatabaseSizing,
  target: Extract<DatabaseTarget, { target: "aws" }>,
  tags: Record<string, string>,
  parent: pulumi.Resource,
): DatabaseEndpoint {
  const pw = new random.RandomPassword(`${name}-password`, { length: 32, special: false }, { parent });
  const subnets = new aws.rds.SubnetGroup(
    `${name}-subnets`,
    { subnetIds: target.subnetIds, tags },
    { parent },
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
    { parent },
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
    { parent },
  );
  return {
    host: instance.address,
    port: instance.port,
    name: pulumi.output(databaseName),
    user: instance.username,
    password: pw.result,
  };
}
