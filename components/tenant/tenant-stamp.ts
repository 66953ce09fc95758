import { effectiveFeatures, type TenantSpec, tiers } from "@dotmac/contracts";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PostgresServerArgs } from "../database/database-args.ts";
import { ManagedDatabase } from "../database/managed-database.ts";
import { tenantDatabaseName } from "../database/postgres-database.ts";
import { AUTOMATION_API_SERVICE_ACCOUNT, TENANT_MANAGER_CLUSTER_ROLE } from "../shared/platform-identity.ts";
import type { Scheduling } from "../shared/workload-specs.ts";
import { GenieAcs } from "./genieacs.ts";
import { IspOps } from "./isp-ops.ts";
import { Monitoring } from "./monitoring.ts";
import {
  limitRangeLimits,
  namespaceLabels,
  namespaceName,
  quotaHard,
  tenantLabels,
} from "./namespace-specs.ts";
import { networkPolicySpecs } from "./network-policy-specs.ts";
import { Radius } from "./radius.ts";
import { type TenantSecretsArgs, tenantSecrets } from "./tenant-secrets.ts";

/** What the namespace-scoped app identity may do: read its own namespace's workloads, nothing else. */
export const tenantRoleRules = [
  {
    apiGroups: [""],
    resources: ["pods", "services", "endpoints", "configmaps"],
    verbs: ["get", "list", "watch"],
  },
  { apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list", "watch"] },
];

const PRIVATE_NETWORKS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

export interface TenantStampArgs extends Scheduling, TenantSecretsArgs {
  /** A validated spec (contracts.TenantSpec.parse). */
  readonly spec: TenantSpec;
  /** The platform's Postgres server, for the `postgres` database target. */
  readonly postgres?: PostgresServerArgs;
  /** Workloads scaled to zero and autoscaling removed; data and config kept. */
  readonly suspended?: boolean;
  readonly platformNamespace?: string;
  readonly ingressNamespace?: string;
  readonly ingressClassName?: string;
  readonly clusterIssuer?: string;
  readonly radiusServiceType?: "LoadBalancer" | "ClusterIP";
  /** Storage class for stateful parts; none (local) keeps their data in emptyDir volumes. */
  readonly storageClassName?: string;
  /** Networks tenant pods may reach Postgres on; RFC 1918 ranges when absent. */
  readonly databaseCidrs?: readonly string[];
  /** The address subscribers and staff use (links in mail, Stripe's return); https on the first host when absent. */
  readonly publicUrl?: string;
}

/**
 * One ISP tenant: its namespace (quota, limits, network policies, RBAC, Pod Security `restricted`),
 * its database, and the apps it runs — isp-ops, RADIUS, GenieACS, Prometheus and Grafana.
 */
export class TenantStamp extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly appUrl: pulumi.Output<string>;
  readonly radiusEndpoint: pulumi.Output<string | undefined>;
  readonly grafanaUrl: pulumi.Output<string | undefined>;
  readonly databaseHost: pulumi.Output<string>;
  readonly databaseName: pulumi.Output<string>;
  readonly connectionSecretName: pulumi.Output<string>;

  constructor(name: string, args: TenantStampArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dotmac:tenant:TenantStamp", name, {}, opts);
    const { spec } = args;
    const suspended = args.suspended ?? false;
    const platformNamespace = args.platformNamespace ?? "platform-admin";
    const ingressNamespace = args.ingressNamespace ?? "ingress-nginx";
    const ingressClassName = args.ingressClassName ?? "nginx";
    const clusterIssuer = args.clusterIssuer ?? "letsencrypt-prod";
    const features = effectiveFeatures(spec);
    const labels = tenantLabels(spec);

    const ns = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: namespaceName(spec),
          labels: namespaceLabels(spec),
          annotations: {
            "dotmac.io/display-name": spec.displayName,
            "dotmac.io/suspended": String(suspended),
          },
        },
      },
      { parent: this },
    );
    this.namespace = ns.metadata.name;
    const inNs = (n: string) => ({ name: n, namespace: this.namespace, labels });
    // The control plane's automation API manages this namespace through this binding alone; it
    // comes first so everything after it can be written by that identity.
    const apiAccess = new k8s.rbac.v1.RoleBinding(
      `${name}-automation-api`,
      {
        metadata: inNs("dotmac-automation-api"),
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "ClusterRole",
          name: TENANT_MANAGER_CLUSTER_ROLE,
        },
        subjects: [
          { kind: "ServiceAccount", name: AUTOMATION_API_SERVICE_ACCOUNT, namespace: platformNamespace },
        ],
      },
      { parent: this, dependsOn: [ns] },
    );
    const child = { parent: this, dependsOn: [ns, apiAccess] };

    const quota = new k8s.core.v1.ResourceQuota(
      `${name}-quota`,
      { metadata: inNs("tenant-quota"), spec: { hard: quotaHard(spec) } },
      child,
    );
    const limits = new k8s.core.v1.LimitRange(
      `${name}-limits`,
      { metadata: inNs("tenant-limits"), spec: { limits: limitRangeLimits(spec) } },
      child,
    );

    const database = new ManagedDatabase(
      `${name}-db`,
      {
        databaseName: tenantDatabaseName(spec.slug),
        target: spec.database,
        region: spec.region,
        sizing: tiers[spec.plan].database,
        tags: {
          "dotmac-tenant-slug": spec.slug,
          "dotmac-tenant-id": spec.tenantId,
          "dotmac-plan-tier": spec.plan,
        },
        ...(args.postgres ? { postgres: args.postgres } : {}),
      },
      { parent: this },
    );
    const policies = networkPolicySpecs(spec, {
      ingressNamespace,
      databaseCidrs:
        args.databaseCidrs ??
        (spec.database.target === "aws" ? spec.database.clusterCidrs : PRIVATE_NETWORKS),
      databasePort: database.port,
      radius: features.has("radius"),
      genieacs: features.has("genieacs"),
      grafana: features.has("grafana"),
      ...(args.platformApi ? { platformApiUrl: args.platformApi.url } : {}),
      ...(args.mail ? { smtpPort: args.mail.smtpPort ?? 587 } : {}),
      ...(args.stripe?.apiUrl ? { stripeApiUrl: args.stripe.apiUrl } : {}),
    }).map(
      (p) =>
        new k8s.networking.v1.NetworkPolicy(
          `${name}-netpol-${p.name}`,
          { metadata: inNs(p.name), spec: p.spec },
          child,
        ),
    );

    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      { metadata: inNs("isp-ops"), automountServiceAccountToken: false },
      child,
    );
    const role = new k8s.rbac.v1.Role(
      `${name}-role`,
      { metadata: inNs("tenant-role"), rules: tenantRoleRules },
      child,
    );
    new k8s.rbac.v1.RoleBinding(
      `${name}-rolebinding`,
      {
        metadata: inNs("tenant-binding"),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: this.namespace }],
      },
      child,
    );

    const dbSecret = new k8s.core.v1.Secret(
      `${name}-db-secret`,
      { metadata: inNs("tenant-db"), type: "Opaque", stringData: { DATABASE_URL: database.connectionUrl } },
      child,
    );

    const { secretsKeyRef, platformCredential, smtp, stripe } = tenantSecrets(name, args, inNs, child);

    // Workloads start once the guard rails they run under exist.
    const workloads = { parent: this, dependsOn: [ns, apiAccess, quota, limits, ...policies] };
    const common = {
      spec,
      namespace: this.namespace,
      labels,
      suspended,
      ...(args.placement ? { placement: args.placement } : {}),
      ...(args.sizing ? { sizing: args.sizing } : {}),
    };
    const ispOps = new IspOps(
      `${name}-isp-ops`,
      {
        ...common,
        serviceAccountName: sa.metadata.name,
        databaseSecretName: dbSecret.metadata.name,
        secretsKey: secretsKeyRef,
        ingressClassName,
        clusterIssuer,
        ...(args.publicUrl ? { publicUrl: args.publicUrl } : {}),
        ...(args.platformApi && platformCredential
          ? {
              platformApi: {
                url: args.platformApi.url,
                credentialSecretName: platformCredential.metadata.name,
              },
            }
          : {}),
        ...(args.mail && smtp ? { mail: { from: args.mail.from, smtpSecretName: smtp.metadata.name } } : {}),
        ...(stripe
          ? {
              stripe: {
                secretName: stripe.metadata.name,
                ...(args.stripe?.apiUrl ? { apiUrl: args.stripe.apiUrl } : {}),
              },
            }
          : {}),
      },
      workloads,
    );
    const radius = features.has("radius")
      ? new Radius(
          `${name}-radius`,
          {
            ...common,
            serviceAccountName: sa.metadata.name,
            databaseSecretName: dbSecret.metadata.name,
            secretsKey: secretsKeyRef,
            serviceType: args.radiusServiceType ?? "LoadBalancer",
          },
          workloads,
        )
      : undefined;
    if (features.has("genieacs")) {
      new GenieAcs(
        `${name}-genieacs`,
        {
          ...common,
          serviceAccountName: sa.metadata.name,
          ...(args.storageClassName ? { storageClassName: args.storageClassName } : {}),
        },
        workloads,
      );
    }
    const monitoring = features.has("grafana")
      ? new Monitoring(`${name}-monitoring`, { ...common, ingressClassName, clusterIssuer }, workloads)
      : undefined;

    this.appUrl = ispOps.url;
    this.radiusEndpoint = radius ? radius.endpoint : pulumi.output(undefined);
    this.grafanaUrl = monitoring ? monitoring.grafanaUrl : pulumi.output(undefined);
    this.databaseHost = database.host;
    this.databaseName = database.name;
    this.connectionSecretName = dbSecret.metadata.name;
    this.registerOutputs({
      namespace: this.namespace,
      appUrl: this.appUrl,
      radiusEndpoint: this.radiusEndpoint,
      grafanaUrl: this.grafanaUrl,
      databaseHost: this.databaseHost,
      databaseName: this.databaseName,
      connectionSecretName: this.connectionSecretName,
    });
  }
}
