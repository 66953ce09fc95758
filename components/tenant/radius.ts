import { componentResources, type TenantSpec, tiers } from "@dotmac/contracts";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { hardenedContainer, hardenedPodSpec, type Scheduling, scheduled } from "../shared/workload-specs.ts";
import { partSelector } from "./network-policy-specs.ts";
import {
  RADIUS_ACCT_PORT,
  RADIUS_AUTH_PORT,
  RADIUS_COA_PORT,
  RADIUS_CONTROL_PORT,
  RADIUS_CONTROL_SERVICE,
  RADIUS_METRICS_PORT,
} from "./ports.ts";
import { type SecretsKeyRef, secretsKeyAnnotations, secretsKeyEnv } from "./secrets-key.ts";

export interface RadiusArgs extends Scheduling {
  readonly spec: TenantSpec;
  readonly namespace: pulumi.Input<string>;
  readonly labels: Record<string, string>;
  readonly serviceAccountName: pulumi.Input<string>;
  readonly databaseSecretName: pulumi.Input<string>;
  /** The keyring NAS secrets and RADIUS passwords are sealed with. */
  readonly secretsKey: SecretsKeyRef;
  /**
   * LoadBalancer in production, so NAS devices outside the cluster reach it with their own source
   * address (externalTrafficPolicy Local): the server identifies a NAS by it.
   */
  readonly serviceType: "LoadBalancer" | "ClusterIP";
  readonly suspended: boolean;
}

/** The tenant's RADIUS server (apps/radius): auth 1812, accounting 1813, CoA 3799, metrics. */
export class Radius extends pulumi.ComponentResource {
  readonly service: k8s.core.v1.Service;
  readonly endpoint: pulumi.Output<string>;

  constructor(name: string, args: RadiusArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dotmac:tenant:Radius", name, {}, opts);
    const { spec } = args;
    const size = componentResources.radius;
    const { placement, resources } = scheduled(args, "radius", size);
    const labels = { ...args.labels, ...partSelector("radius"), "app.kubernetes.io/component": "radius" };
    const selector = { ...partSelector("radius"), "dotmac.io/tenant-slug": spec.slug };
    const metadata = (n: string) => ({ name: n, namespace: args.namespace, labels });

    new k8s.apps.v1.Deployment(
      name,
      {
        metadata: metadata("radius"),
        spec: {
          replicas: args.suspended ? 0 : size.replicas,
          selector: { matchLabels: selector },
          template: {
            metadata: {
              labels: { ...labels, ...selector },
              annotations: {
                "prometheus.io/scrape": "true",
                "prometheus.io/port": String(RADIUS_METRICS_PORT),
                ...secretsKeyAnnotations(args.secretsKey),
              },
            },
            spec: hardenedPodSpec({
              serviceAccountName: args.serviceAccountName,
              placement,
              containers: [
                hardenedContainer({
                  name: "radius",
                  image: spec.images.radius,
                  resources,
                  ports: [
                    { name: "auth", containerPort: RADIUS_AUTH_PORT, protocol: "UDP" },
                    { name: "acct", containerPort: RADIUS_ACCT_PORT, protocol: "UDP" },
                    // CoA and Disconnect requests from the platform, relayed to the subscriber's NAS.
                    { name: "coa", containerPort: RADIUS_COA_PORT, protocol: "UDP" },
                    { name: "metrics", containerPort: RADIUS_METRICS_PORT },
                    { name: "control", containerPort: RADIUS_CONTROL_PORT },
                  ],
                  probe: { path: "/healthz", readyPath: "/readyz", port: RADIUS_METRICS_PORT },
                  env: [
                    { name: "TENANT_SLUG", value: spec.slug },
                    { name: "RADIUS_AUTH_PORT", value: String(RADIUS_AUTH_PORT) },
                    { name: "RADIUS_ACCT_PORT", value: String(RADIUS_ACCT_PORT) },
                    { name: "RADIUS_METRICS_PORT", value: String(RADIUS_METRICS_PORT) },
                    { name: "RADIUS_CONTROL_PORT", value: String(RADIUS_CONTROL_PORT) },
                    { name: "DATABASE_POOL_SIZE", value: String(tiers[spec.plan].database.pools.radius) },
                    {
                      name: "DATABASE_URL",
                      valueFrom: { secretKeyRef: { name: args.databaseSecretName, key: "DATABASE_URL" } },
                    },
                    ...secretsKeyEnv(args.secretsKey),
                  ],
                }),
              ],
            }),
          },
        },
      },
      { parent: this },
    );

    const external = args.serviceType === "LoadBalancer";
    this.service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: metadata("radius"),
        spec: {
          type: args.serviceType,
          ...(external ? { externalTrafficPolicy: "Local" } : {}),
          selector,
          ports: [
            { name: "auth", port: RADIUS_AUTH_PORT, targetPort: "auth", protocol: "UDP" },
            { name: "acct", port: RADIUS_ACCT_PORT, targetPort: "acct", protocol: "UDP" },
            { name: "coa", port: RADIUS_COA_PORT, targetPort: "coa", protocol: "UDP" },
          ],
        },
      },
      { parent: this },
    );

    // Inside the namespace only (never the NAS-facing load balancer): isp-ops asks for disconnects
    // here (POST /control/disconnect, a token derived from the tenant key).
    new k8s.core.v1.Service(
      `${name}-control`,
      {
        metadata: metadata(RADIUS_CONTROL_SERVICE),
        spec: {
          type: "ClusterIP",
          selector,
          ports: [{ name: "control", port: RADIUS_CONTROL_PORT, targetPort: "control" }],
        },
      },
      { parent: this },
    );

    this.endpoint = external
      ? this.service.status.apply((s) => {
          const ingress = s?.loadBalancer?.ingress?.[0];
          return `${ingress?.hostname ?? ingress?.ip ?? "pending"}:${RADIUS_AUTH_PORT}`;
        })
      : this.service.spec.apply((s) => `${s?.clusterIP ?? "pending"}:${RADIUS_AUTH_PORT}`);
    this.registerOutputs({ endpoint: this.endpoint });
  }
}
