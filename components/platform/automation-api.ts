import { PLATFORM_NAMESPACE, type PlatformSpec } from "@dotmac/contracts";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { adminUrlForPods, type PostgresServerArgs } from "../database/database-args.ts";
import type { ManagedDatabase } from "../database/managed-database.ts";
import { GeneratedSecret } from "../shared/generated-secret.ts";
import {
  hardenedContainer,
  hardenedPodSpec,
  type Scheduling,
  type scheduled,
} from "../shared/workload-specs.ts";
import type { PlatformParts } from "./parts.ts";
import type { StateBackend } from "./state-backend.ts";

export const API_PORT = 8080;

/**
 * On SIGTERM the API lets runs in flight finish for this long (a tenant's `up` takes about a
 * minute), then cancels and hands back the rest; the pod's grace leaves a cancelled run time to
 * wind down before the kubelet's SIGKILL.
 */
const API_SHUTDOWN_GRACE_SECONDS = 90;
const API_TERMINATION_GRACE_SECONDS = API_SHUTDOWN_GRACE_SECONDS + 30;

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

export interface AutomationApiArgs {
  readonly spec: PlatformSpec;
  readonly scheduling: ReturnType<typeof scheduled>;
  readonly serviceAccount: k8s.core.v1.ServiceAccount;
  readonly database: ManagedDatabase;
  readonly databaseSecret: k8s.core.v1.Secret;
  /** The state bucket and KMS key on AWS and GCP; absent on the postgres target. */
  readonly backend: StateBackend | undefined;
  readonly postgres: PostgresServerArgs | undefined;
  /** The stack's scheduling, handed on to tenant stacks (DOTMAC_PLACEMENT, DOTMAC_SIZING). */
  readonly stackScheduling: Scheduling;
  readonly radiusServiceType: "LoadBalancer" | "ClusterIP";
}

/** The automation API: its engine's secrets, the Deployment, its Service; returns its URL in the cluster. */
export function automationApi(parts: PlatformParts, args: AutomationApiArgs): string {
  const { spec, database, backend } = args;
  const api = args.scheduling;
  const sa = args.serviceAccount;
  const dbSecret = args.databaseSecret;
  // The engine's scratch (each stack's workspace, PULUMI_HOME): the root filesystem is read-only.
  const engineScratch = "/var/lib/dotmac";
  // Where stacks keep their state and how their secrets are sealed. On AWS and GCP: a bucket
  // and a KMS key. On the postgres target: a table in the platform database (Pulumi's Postgres
  // backend writes each checkpoint in one transaction) and a passphrase generated here.
  const engineSecrets: Record<string, pulumi.Input<string>> = {};
  if (!backend) {
    engineSecrets.PULUMI_BACKEND_URL = database.connectionUrl.apply((url) => pulumiStateUrl(url));
    engineSecrets.PULUMI_CONFIG_PASSPHRASE = new GeneratedSecret(
      `${parts.name}-pulumi-passphrase`,
      { bytes: 32 },
      parts.child,
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
    `${parts.name}-engine-secret`,
    { metadata: parts.inNs("automation-api-engine"), type: "Opaque", stringData: engineSecrets },
    parts.child,
  );
  const fromEngineSecret = (key: string) => ({
    name: key,
    valueFrom: { secretKeyRef: { name: engineSecret.metadata.name, key } },
  });

  const apiLabels = { "app.kubernetes.io/name": "automation-api" };
  const apiUrl = `http://automation-api.${PLATFORM_NAMESPACE}.svc:${API_PORT}`;
  // Tenants' isp-ops report their NAS networks to the API, on its port and to nothing else here.
  new k8s.networking.v1.NetworkPolicy(
    `${parts.name}-netpol-tenant-isp-ops`,
    {
      metadata: parts.inNs("allow-tenant-isp-ops"),
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
    parts.child,
  );
  new k8s.apps.v1.Deployment(
    `${parts.name}-api`,
    {
      metadata: parts.inNs("automation-api", apiLabels),
      spec: {
        replicas: spec.automationApiReplicas,
        selector: { matchLabels: apiLabels },
        template: {
          metadata: { labels: { ...parts.labels, ...apiLabels } },
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
                    { name: "DOTMAC_RADIUS_SERVICE_TYPE", value: args.radiusServiceType },
                    ...(args.stackScheduling.placement
                      ? [{ name: "DOTMAC_PLACEMENT", value: JSON.stringify(args.stackScheduling.placement) }]
                      : []),
                    ...(args.stackScheduling.sizing
                      ? [{ name: "DOTMAC_SIZING", value: args.stackScheduling.sizing }]
                      : []),
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
    parts.child,
  );
  new k8s.core.v1.Service(
    `${parts.name}-api-service`,
    {
      metadata: parts.inNs("automation-api", apiLabels),
      spec: { selector: apiLabels, ports: [{ name: "http", port: API_PORT, targetPort: "http" }] },
    },
    parts.child,
  );

  return apiUrl;
}
