import { PLATFORM_NAMESPACE, type PlatformSpec } from "@dotmac/contracts";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  adminUrlForPods,
  type DatabaseSizing,
  ManagedDatabase,
  type PostgresServerArgs,
} from "../database/managed-database.ts";
import { GeneratedSecret } from "../shared/generated-secret.ts";
import { tlsIngress } from "../shared/ingress-spec.ts";
import { AUTOMATION_API_SERVICE_ACCOUNT, TENANT_MANAGER_CLUSTER_ROLE } from "../shared/platform-identity.ts";
import { hardenedContainer, hardenedPodSpec, type Scheduling, scheduled } from "../shared/workload-specs.ts";
import {
  automationApiClusterRules,
  automationApiUser,
  tenantManagerRules,
  tenantOnlyValidation,
} from "./automation-api-rbac.ts";
import { StateBackend } from "./state-backend.ts";

const API_PORT = 8080;

/**
 * Pulumi's Postgres state backend in the given database: one table, one row per object. Its driver
 * (lib/pq) insists on TLS unless told otherwise; with no sslmode in the URL it connects as the
 * platform's own connections (postgres.js) do, without.
 */
export function pulumiStateUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set("table", "pulumi_state");
  if (!url.searchParams.has("sslmode")) url.searchParams.set("sslmode", "disable");
  return url.toString();
}
const ADMIN_PORT = 3000;

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
 * On SIGTERM the API lets runs in flight finish for this long (a tenant's `up` takes about a
 * minute), then cancels and hands back the rest; the pod's grace leaves a cancelled run time to
 * wind down before the kubelet's SIGKILL.
 */
const API_SHUTDOWN_GRACE_SECONDS = 90;
const API_TERMINATION_GRACE_SECONDS = API_SHUTDOWN_GRACE_SECONDS + 30;

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
    const api = scheduled(args, "automationApi", platformResources.automationApi);
    const admin = scheduled(args, "platformAdmin", platformResources.platformAdmin);
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

    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-api-sa`,
      { metadata: inNs(AUTOMATION_API_SERVICE_ACCOUNT) },
      child,
    );
    // Bound by each tenant stack in its own namespace; the API holds it nowhere else.
    new k8s.rbac.v1.ClusterRole(
      `${name}-tenant-manager`,
      { metadata: { name: TENANT_MANAGER_CLUSTER_ROLE, labels }, rules: tenantManagerRules },
      { parent: this },
    );
    const clusterRole = new k8s.rbac.v1.ClusterRole(
      `${name}-api-role`,
      { metadata: { name: "dotmac-automation-api", labels }, rules: automationApiClusterRules },
      { parent: this },
    );
    new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-api-binding`,
      {
        metadata: { name: "dotmac-automation-api", labels },
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "ClusterRole",
          name: clusterRole.metadata.name,
        },
        subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: this.namespace }],
      },
      { parent: this },
    );
    const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
      `${name}-api-tenant-only`,
      {
        metadata: { name: "dotmac-automation-api-tenant-only", labels },
        spec: {
          failurePolicy: "Fail",
          matchConstraints: {
            resourceRules: [
              {
                apiGroups: ["*"],
                apiVersions: ["*"],
                operations: ["CREATE", "UPDATE", "DELETE"],
                resources: ["*"],
              },
            ],
          },
          matchConditions: [
            {
              name: "is-automation-api",
              expression: `request.userInfo.username == '${automationApiUser(PLATFORM_NAMESPACE)}'`,
            },
          ],
          validations: tenantOnlyValidation(),
        },
      },
      { parent: this },
    );
    new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
      `${name}-api-tenant-only-binding`,
      {
        metadata: { name: "dotmac-automation-api-tenant-only", labels },
        spec: { policyName: policy.metadata.name, validationActions: ["Deny"] },
      },
      { parent: this },
    );

    // The engine's scratch (each stack's workspace, PULUMI_HOME): the root filesystem is read-only.
    const engineScratch = "/var/lib/dotmac";
    // Where stacks keep their state and how their secrets are sealed. On AWS and GCP: a bucket
    // and a KMS key. On the postgres target: a table in the platform database (Pulumi's Postgres
    // backend writes each checkpoint in one transaction) and a passphrase generated here.
    const engineSecrets: Record<string, pulumi.Input<string>> = {};
    if (!backend) {
      engineSecrets.PULUMI_BACKEND_URL = database.connectionUrl.apply((url) => pulumiStateUrl(url));
      engineSecrets.PULUMI_CONFIG_PASSPHRASE = new GeneratedSecret(
        `${name}-pulumi-passphrase`,
        { bytes: 32 },
        child,
      ).value;
      // The engine runs in a pod: it reaches the server where the apps do.
      const server = args.postgres;
      if (server) {
        engineSecrets.DOTMAC_TENANT_POSTGRES_URL = pulumi
          .output(server.adminUrl)
          .apply((url) => adminUrlForPods(url, server));
      }
    }
    const engineSecret = new k8s.core.v1.Secret(
      `${name}-engine-secret`,
      { metadata: inNs("automation-api-engine"), type: "Opaque", stringData: engineSecrets },
      child,
    );
    const fromEngineSecret = (key: string) => ({
      name: key,
      valueFrom: { secretKeyRef: { name: engineSecret.metadata.name, key } },
    });

    const apiLabels = { "app.kubernetes.io/name": "automation-api" };
    const apiUrl = `http://automation-api.${PLATFORM_NAMESPACE}.svc:${API_PORT}`;
    // Tenants' isp-ops report their NAS networks to the API, on its port and to nothing else here.
    new k8s.networking.v1.NetworkPolicy(
      `${name}-netpol-tenant-isp-ops`,
      {
        metadata: inNs("allow-tenant-isp-ops"),
        spec: {
          podSelector: { matchLabels: apiLabels },
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [
                {
                  namespaceSelector: {
                    matchExpressions: [{ key: "dotmac.io/tenant-slug", operator: "Exists" }],
                  },
                  podSelector: { matchLabels: { "app.kubernetes.io/name": "isp-ops" } },
                },
              ],
              ports: [{ protocol: "TCP", port: API_PORT }],
            },
          ],
        },
      },
      child,
    );
    new k8s.apps.v1.Deployment(
      `${name}-api`,
      {
        metadata: inNs("automation-api", apiLabels),
        spec: {
          replicas: spec.automationApiReplicas,
          selector: { matchLabels: apiLabels },
          template: {
            metadata: { labels: { ...labels, ...apiLabels } },
            spec: {
              ...hardenedPodSpec({
                serviceAccountName: sa.metadata.name,
                placement: api.placement,
                containers: [
                  hardenedContainer({
                    name: "automation-api",
                    image: spec.images.automationApi,
                    resources: api.resources,
                    ports: [{ name: "http", containerPort: API_PORT }],
                    probe: { path: "/healthz", readyPath: "/readyz", port: API_PORT },
                    env: [
                      { name: "HOST", value: "0.0.0.0" },
                      { name: "PORT", value: String(API_PORT) },
                      {
                        name: "DATABASE_URL",
                        valueFrom: { secretKeyRef: { name: dbSecret.metadata.name, key: "DATABASE_URL" } },
                      },
                      { name: "DOTMAC_WORKSPACES_DIR", value: `${engineScratch}/workspaces` },
                      { name: "DOTMAC_SHUTDOWN_GRACE_SECONDS", value: String(API_SHUTDOWN_GRACE_SECONDS) },
                      { name: "DOTMAC_PLATFORM_API_URL", value: apiUrl },
                      { name: "DOTMAC_RADIUS_SERVICE_TYPE", value: args.radiusServiceType ?? "LoadBalancer" },
                      ...(args.placement
                        ? [{ name: "DOTMAC_PLACEMENT", value: JSON.stringify(args.placement) }]
                        : []),
                      ...(args.sizing ? [{ name: "DOTMAC_SIZING", value: args.sizing }] : []),
                      { name: "PULUMI_HOME", value: `${engineScratch}/pulumi-home` },
                      ...(backend
                        ? [
                            { name: "PULUMI_BACKEND_URL", value: backend.backendUrl },
                            { name: "DOTMAC_SECRETS_PROVIDER", value: backend.secretsProvider },
                          ]
                        : [
                            fromEngineSecret("PULUMI_BACKEND_URL"),
                            fromEngineSecret("PULUMI_CONFIG_PASSPHRASE"),
                            ...(args.postgres ? [fromEngineSecret("DOTMAC_TENANT_POSTGRES_URL")] : []),
                          ]),
                    ],
                    volumeMounts: [{ name: "engine", mountPath: engineScratch }],
                  }),
                ],
                volumes: [{ name: "engine", emptyDir: { sizeLimit: "4Gi" } }],
              }),
              // It drives the cluster through the API server with its own identity.
              automountServiceAccountToken: true,
              terminationGracePeriodSeconds: API_TERMINATION_GRACE_SECONDS,
            },
          },
        },
      },
      child,
    );
    new k8s.core.v1.Service(
      `${name}-api-service`,
      {
        metadata: inNs("automation-api", apiLabels),
        spec: { selector: apiLabels, ports: [{ name: "http", port: API_PORT, targetPort: "http" }] },
      },
      child,
    );

    const adminLabels = { "app.kubernetes.io/name": "platform-admin" };
    const adminSa = new k8s.core.v1.ServiceAccount(
      `${name}-admin-sa`,
      { metadata: inNs("platform-admin"), automountServiceAccountToken: false },
      child,
    );
    new k8s.apps.v1.Deployment(
      `${name}-admin`,
      {
        metadata: inNs("platform-admin", adminLabels),
        spec: {
          replicas: 1,
          selector: { matchLabels: adminLabels },
          template: {
            metadata: { labels: { ...labels, ...adminLabels } },
            spec: hardenedPodSpec({
              serviceAccountName: adminSa.metadata.name,
              placement: admin.placement,
              containers: [
                hardenedContainer({
                  name: "platform-admin",
                  image: spec.images.platformAdmin,
                  resources: admin.resources,
                  ports: [{ name: "http", containerPort: ADMIN_PORT }],
                  probe: { path: "/api/healthz", readyPath: "/api/readyz", port: ADMIN_PORT },
                  env: [
                    { name: "HOST", value: "0.0.0.0" },
                    { name: "PORT", value: String(ADMIN_PORT) },
                    {
                      name: "AUTOMATION_API_URL",
                      value: apiUrl,
                    },
                  ],
                  volumeMounts: [{ name: "next-cache", mountPath: "/app/apps/platform-admin/.next/cache" }],
                }),
              ],
              volumes: [{ name: "next-cache", emptyDir: { sizeLimit: "512Mi" } }],
            }),
          },
        },
      },
      child,
    );
    new k8s.core.v1.Service(
      `${name}-admin-service`,
      {
        metadata: inNs("platform-admin", adminLabels),
        spec: { selector: adminLabels, ports: [{ name: "http", port: ADMIN_PORT, targetPort: "http" }] },
      },
      child,
    );
    const host = `admin.${spec.baseDomain}`;
    const ingress = tlsIngress({
      hosts: [host],
      path: "/",
      service: "platform-admin",
      port: ADMIN_PORT,
      tlsSecretName: "platform-admin-tls",
      ingressClassName: args.ingressClassName ?? "nginx",
      clusterIssuer: args.clusterIssuer ?? "letsencrypt-prod",
    });
    new k8s.networking.v1.Ingress(
      `${name}-admin-ingress`,
      {
        metadata: { ...inNs("platform-admin", adminLabels), annotations: ingress.annotations },
        spec: ingress.spec,
      },
      child,
    );

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
