import type * as pulumi from "@pulumi/pulumi";

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

export const ENGINE_VERSION = "16";

/** Where a database is and how to sign in to it, whatever it runs on. */
export interface DatabaseEndpoint {
  readonly host: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly name: pulumi.Output<string>;
  readonly user: pulumi.Output<string>;
  readonly password: pulumi.Output<string>;
}
