import type { PlatformSpec } from "@dotmac/contracts";
import * as k8s from "@pulumi/kubernetes";
import { tlsIngress } from "../shared/ingress-spec.ts";
import { hardenedContainer, hardenedPodSpec, type scheduled } from "../shared/workload-specs.ts";
import type { PlatformParts } from "./parts.ts";

const ADMIN_PORT = 3000;

export interface PlatformAdminArgs {
  readonly spec: PlatformSpec;
  readonly scheduling: ReturnType<typeof scheduled>;
  /** The automation API's URL in the cluster, which the admin's server calls. */
  readonly apiUrl: string;
  readonly ingressClassName: string;
  readonly clusterIssuer: string;
}

/** The admin app: its Deployment, Service and TLS Ingress at admin.<domain>; returns that host. */
export function platformAdmin(parts: PlatformParts, args: PlatformAdminArgs): string {
  const { spec, apiUrl } = args;
  const admin = args.scheduling;
  const adminLabels = { "app.kubernetes.io/name": "platform-admin" };
  const adminSa = new k8s.core.v1.ServiceAccount(
    `${parts.name}-admin-sa`,
    { metadata: parts.inNs("platform-admin"), automountServiceAccountToken: false },
    parts.child,
  );
  new k8s.apps.v1.Deployment(
    `${parts.name}-admin`,
    {
      metadata: parts.inNs("platform-admin", adminLabels),
      spec: {
        replicas: 1,
        selector: { matchLabels: adminLabels },
        template: {
          metadata: { labels: { ...parts.labels, ...adminLabels } },
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
    parts.child,
  );
  new k8s.core.v1.Service(
    `${parts.name}-admin-service`,
    {
      metadata: parts.inNs("platform-admin", adminLabels),
      spec: { selector: adminLabels, ports: [{ name: "http", port: ADMIN_PORT, targetPort: "http" }] },
    },
    parts.child,
  );
  const host = `admin.${spec.baseDomain}`;
  const ingress = tlsIngress({
    hosts: [host],
    path: "/",
    service: "platform-admin",
    port: ADMIN_PORT,
    tlsSecretName: "platform-admin-tls",
    ingressClassName: args.ingressClassName,
    clusterIssuer: args.clusterIssuer,
  });
  new k8s.networking.v1.Ingress(
    `${parts.name}-admin-ingress`,
    {
      metadata: { ...parts.inNs("platform-admin", adminLabels), annotations: ingress.annotations },
      spec: ingress.spec,
    },
    parts.child,
  );

  return host;
}
