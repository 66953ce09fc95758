import { PLATFORM_NAMESPACE, type PlatformSpec } from "@dotmac/contracts";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { DatabaseSizing, PostgresServerArgs } from "../database/database-args.ts";
import { ManagedDatabase } from "../database/managed-database.ts";
import { type Scheduling, scheduled } from "../shared/workload-specs.ts";
import { automationApiIdentity } from "./api-identity.ts";
import { automationApi } from "./automation-api.ts";
import type { PlatformParts } from "./parts.ts";
import { platformAdmin } from "./platform-admin.ts";
import { StateBackend } from "./state-backend.ts";

/** Production requests and limits of the control plane's two apps (the admin's are the seed's). */
export const platformResources = {
  automationApi: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } },
  platformAdmin: { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "8Gi" } },
} as const;

/** The platform database holds every tenant's record: always highly available, long backups. */
export const platformDatabaseSizing: DatabaseSizing = {
  storageGb: 100,
  awsInstanceClass: "db.t3.large",
  gcpTier: "db-custom-2-7680",
  highlyAvailable: true,
  backupRetentionDays: 30,
};

/**
 * The platform's own pods are placed and sized by `placement` and `sizing`; the automation API
 * gives tenant stacks the same (DOTMAC_PLACEMENT, DOTMAC_SIZING), as they share the cluster.
 */
export interface PlatformStampArgs extends Scheduling {
  readonly spec: PlatformSpec;
  /** The existing Postgres server, for the `postgres` database target. */
  readonly postgres?: PostgresServerArgs;
  readonly ingressNamespace?: string;
  readonly ingressClassName?: string;
  readonly clusterIssuer?: string;
  /** How tenants expose RADIUS to their NAS devices: LoadBalancer, or ClusterIP where none exists. */
  readonly radiusServiceType?: "LoadBalancer" | "ClusterIP";
}

/**
 * The control plane: the platform-admin namespace, the platform database, the automation API
 * (with the least cluster rights it needs to manage tenant-* namespaces), the admin app behind
 * admin.<domain>, and on AWS/GCP the state bucket and KMS key for tenant stacks.
 */
export class PlatformStamp extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly adminUrl: pulumi.Output<string>;
  readonly apiUrl: pulumi.Output<string>;
  readonly databaseHost: pulumi.Output<string>;
  readonly stateBackendUrl: pulumi.Output<string | undefined>;
  readonly secretsProvider: pulumi.Output<string | undefined>;

  constructor(name: string, args: PlatformStampArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dotmac:platform:PlatformStamp", name, {}, opts);
    const { spec } = args;
    const ingressNamespace = args.ingressNamespace ?? "ingress-nginx";
    const labels = {
      "app.kubernetes.io/name": "dotmac-platform",
      "app.kubernetes.io/component": "control-plane",
      "app.kubernetes.io/managed-by": "pulumi",
    };

    const ns = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: PLATFORM_NAMESPACE,
          labels: {
            ...labels,
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "latest",
          },
        },
      },
      { parent: this },
    );
    this.namespace = ns.metadata.name;
    const inNs = (n: string, extra: Record<string, string> = {}) => ({
      name: n,
      namespace: this.namespace,
      labels: { ...labels, ...extra },
    });
    const child = { parent: this, dependsOn: [ns] };
    const parts: PlatformParts = { name, parent: this, namespace: this.namespace, labels, inNs, child };

    // The seed's platform-admin quota.
    new k8s.core.v1.ResourceQuota(
      `${name}-quota`,
      {
        metadata: inNs("platform-admin-quota"),
        spec: {
          hard: {
            "requests.cpu": "8",
            "requests.memory": "16Gi",
            "limits.cpu": "16",
            "limits.memory": "32Gi",
            persistentvolumeclaims: "5",
          },
        },
      },
      child,
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-netpol`,
      {
        metadata: inNs("platform-isolation"),
        spec: {
          podSelector: {},
          policyTypes: ["Ingress"],
          ingress: [
            { from: [{ podSelector: {} }] },
            {
              from: [
                { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": ingressNamespace } } },
              ],
            },
          ],
        },
      },
      child,
    );

    const database = new ManagedDatabase(
      `${name}-db`,
      {
        databaseName: "dotmac_platform",
        target: spec.database,
        region: spec.region,
        sizing: platformDatabaseSizing,
        tags: { "dotmac-component": "control-plane" },
        ...(args.postgres ? { postgres: args.postgres } : {}),
      },
      { parent: this },
    );
    const dbSecret = new k8s.core.v1.Secret(
      `${name}-db-secret`,
      { metadata: inNs("platform-db"), type: "Opaque", stringData: { DATABASE_URL: database.connectionUrl } },
      child,
    );

    const backend =
      spec.database.target === "aws"
        ? new StateBackend(
            `${name}-state`,
            { target: "aws", name: "dotmac-pulumi-state", tags: { "dotmac-component": "control-plane" } },
            { parent: this },
          )
        : spec.database.target === "gcp"
          ? new StateBackend(
              `${name}-state`,
              {
                target: "gcp",
                name: "dotmac-pulumi-state",
                project: spec.database.project,
                region: spec.region,
                labels: { "dotmac-component": "control-plane" },
              },
              { parent: this },
            )
          : undefined;

    const sa = automationApiIdentity(parts);
    const apiUrl = automationApi(parts, {
      spec,
      scheduling: scheduled(args, "automationApi", platformResources.automationApi),
      serviceAccount: sa,
      database,
      databaseSecret: dbSecret,
      backend,
      postgres: args.postgres,
      stackScheduling: args,
      radiusServiceType: args.radiusServiceType ?? "LoadBalancer",
    });
    const host = platformAdmin(parts, {
      spec,
      scheduling: scheduled(args, "platformAdmin", platformResources.platformAdmin),
      apiUrl,
      ingressClassName: args.ingressClassName ?? "nginx",
      clusterIssuer: args.clusterIssuer ?? "letsencrypt-prod",
    });

    this.adminUrl = pulumi.output(`https://${host}`);
    this.apiUrl = pulumi.output(apiUrl);
    this.databaseHost = database.host;
    this.stateBackendUrl = backend ? backend.backendUrl : pulumi.output(undefined);
    this.secretsProvider = backend ? backend.secretsProvider : pulumi.output(undefined);
    this.registerOutputs({
      namespace: this.namespace,
      adminUrl: this.adminUrl,
      apiUrl: this.apiUrl,
      databaseHost: this.databaseHost,
      stateBackendUrl: this.stateBackendUrl,
      secretsProvider: this.secretsProvider,
    });
  }
}
