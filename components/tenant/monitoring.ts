import { readFileSync } from "node:fs";
import { componentResources, grafanaHost, type TenantSpec } from "@dotmac/contracts";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { appLabeller } from "../shared/app-labels.ts";
import { GeneratedSecret } from "../shared/generated-secret.ts";
import { tlsIngress } from "../shared/ingress-spec.ts";
import { hardenedContainer, hardenedPodSpec, type Scheduling, scheduled } from "../shared/workload-specs.ts";
import { GRAFANA_PORT, ISP_OPS_METRICS_PORT, PROMETHEUS_PORT, RADIUS_METRICS_PORT } from "./ports.ts";

/** Dashboards kept as JSON beside this file, provisioned into every tenant's Grafana. */
export const dashboards: Record<string, string> = Object.fromEntries(
  ["isp-ops.json", "radius.json"].map((f) => [
    f,
    readFileSync(new URL(`./dashboards/${f}`, import.meta.url), "utf8"),
  ]),
);

/** What Prometheus scrapes: each part's pods, found through a headless Service of their own. */
export const scrapeTargets = [
  { job: "isp-ops", port: ISP_OPS_METRICS_PORT },
  { job: "radius", port: RADIUS_METRICS_PORT },
] as const;

/** The headless Service whose DNS records list a scraped part's ready pods. */
export const metricsServiceName = (job: string) => `${job}-metrics`;

/**
 * Prometheus finds its targets in DNS (one A record per ready pod of the part's headless Service
 * in its own namespace), not the Kubernetes API: it needs no API credentials or egress, and
 * Debian's Prometheus (our image) is built without Kubernetes discovery.
 */
export function prometheusConfig(namespace: string): string {
  const job = (t: (typeof scrapeTargets)[number]) => ({
    job_name: t.job,
    dns_sd_configs: [{ names: [`${metricsServiceName(t.job)}.${namespace}.svc`], type: "A", port: t.port }],
  });
  // JSON is YAML; Prometheus reads it as its config file.
  return JSON.stringify(
    { global: { scrape_interval: "30s" }, scrape_configs: scrapeTargets.map(job) },
    null,
    2,
  );
}

export interface MonitoringArgs extends Scheduling {
  readonly spec: TenantSpec;
  readonly namespace: pulumi.Input<string>;
  readonly labels: Record<string, string>;
  readonly ingressClassName: string;
  readonly clusterIssuer: string;
  readonly suspended: boolean;
}

/** Per-tenant Prometheus and Grafana; Grafana is served on a host of its own (grafanaHost). */
export class Monitoring extends pulumi.ComponentResource {
  readonly grafanaUrl: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dotmac:tenant:Monitoring", name, {}, opts);
    const { spec } = args;
    const replicas = args.suspended ? 0 : 1;
    const { labelsFor, selectorFor } = appLabeller(args.labels, "monitoring", spec.slug);
    const metadata = (n: string, app = n) => ({ name: n, namespace: args.namespace, labels: labelsFor(app) });

    // No API rights: Prometheus discovers its targets in DNS.
    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-prometheus-sa`,
      { metadata: metadata("prometheus"), automountServiceAccountToken: false },
      { parent: this },
    );
    for (const t of scrapeTargets) {
      new k8s.core.v1.Service(
        `${name}-${t.job}-metrics`,
        {
          metadata: metadata(metricsServiceName(t.job), t.job),
          spec: {
            clusterIP: "None",
            selector: { "app.kubernetes.io/name": t.job, "dotmac.io/tenant-slug": spec.slug },
            ports: [{ name: "metrics", port: t.port, targetPort: t.port }],
          },
        },
        { parent: this },
      );
    }
    const promConfig = new k8s.core.v1.ConfigMap(
      `${name}-prometheus-config`,
      {
        metadata: metadata("prometheus"),
        data: { "prometheus.yml": pulumi.output(args.namespace).apply(prometheusConfig) },
      },
      { parent: this },
    );
    const prometheus = scheduled(args, "prometheus", componentResources.prometheus);
    const prometheusPod = hardenedPodSpec({
      serviceAccountName: sa.metadata.name,
      placement: prometheus.placement,
      containers: [
        hardenedContainer({
          name: "prometheus",
          image: spec.images.prometheus,
          resources: prometheus.resources,
          args: [
            "--config.file=/etc/prometheus/prometheus.yml",
            "--storage.tsdb.path=/prometheus",
            "--storage.tsdb.retention.time=15d",
            `--web.listen-address=:${PROMETHEUS_PORT}`,
          ],
          ports: [{ name: "http", containerPort: PROMETHEUS_PORT }],
          probe: { path: "/-/ready", port: PROMETHEUS_PORT },
          volumeMounts: [
            { name: "config", mountPath: "/etc/prometheus", readOnly: true },
            { name: "data", mountPath: "/prometheus" },
          ],
        }),
      ],
      volumes: [
        { name: "config", configMap: { name: promConfig.metadata.name } },
        { name: "data", emptyDir: { sizeLimit: "4Gi" } },
      ],
    });
    new k8s.apps.v1.Deployment(
      `${name}-prometheus`,
      {
        metadata: metadata("prometheus"),
        spec: {
          replicas,
          selector: { matchLabels: selectorFor("prometheus") },
          template: {
            metadata: { labels: { ...labelsFor("prometheus"), ...selectorFor("prometheus") } },
            // Prometheus talks to the API server, so this one pod gets its token mounted.
            spec: { ...prometheusPod, automountServiceAccountToken: true },
          },
        },
      },
      { parent: this },
    );
    new k8s.core.v1.Service(
      `${name}-prometheus-service`,
      {
        metadata: metadata("prometheus"),
        spec: {
          selector: selectorFor("prometheus"),
          ports: [{ name: "http", port: PROMETHEUS_PORT, targetPort: "http" }],
        },
      },
      { parent: this },
    );

    const adminPassword = new GeneratedSecret(`${name}-grafana-admin`, { bytes: 24 }, { parent: this });
    const grafana = scheduled(args, "grafana", componentResources.grafana);
    const grafanaSecret = new k8s.core.v1.Secret(
      `${name}-grafana-secret`,
      {
        metadata: metadata("grafana"),
        type: "Opaque",
        stringData: { GF_SECURITY_ADMIN_PASSWORD: adminPassword.value },
      },
      { parent: this },
    );
    const provisioning = new k8s.core.v1.ConfigMap(
      `${name}-grafana-provisioning`,
      {
        metadata: metadata("grafana-provisioning", "grafana"),
        data: {
          "datasources.yaml": JSON.stringify({
            apiVersion: 1,
            datasources: [
              {
                name: "Prometheus",
                uid: "prometheus",
                type: "prometheus",
                access: "proxy",
                url: `http://prometheus:${PROMETHEUS_PORT}`,
                isDefault: true,
              },
            ],
          }),
          "dashboards.yaml": JSON.stringify({
            apiVersion: 1,
            providers: [
              {
                name: "dotmac",
                type: "file",
                disableDeletion: true,
                options: { path: "/var/lib/grafana/dashboards" },
              },
            ],
          }),
        },
      },
      { parent: this },
    );
    const dashboardMap = new k8s.core.v1.ConfigMap(
      `${name}-grafana-dashboards`,
      { metadata: metadata("grafana-dashboards", "grafana"), data: dashboards },
      { parent: this },
    );
    const host = grafanaHost(spec);
    new k8s.apps.v1.Deployment(
      `${name}-grafana`,
      {
        metadata: metadata("grafana"),
        spec: {
          replicas,
          selector: { matchLabels: selectorFor("grafana") },
          template: {
            metadata: { labels: { ...labelsFor("grafana"), ...selectorFor("grafana") } },
            spec: hardenedPodSpec({
              serviceAccountName: "default",
              placement: grafana.placement,
              containers: [
                hardenedContainer({
                  name: "grafana",
                  image: spec.images.grafana,
                  resources: grafana.resources,
                  ports: [{ name: "http", containerPort: GRAFANA_PORT }],
                  probe: { path: "/api/health", port: GRAFANA_PORT },
                  envFrom: [{ secretRef: { name: grafanaSecret.metadata.name } }],
                  env: [
                    { name: "GF_SERVER_ROOT_URL", value: `https://${host}/` },
                    // Its session cookie stays on its own host and is sent on no cross-site request.
                    { name: "GF_SECURITY_COOKIE_SECURE", value: "true" },
                    { name: "GF_SECURITY_COOKIE_SAMESITE", value: "strict" },
                    { name: "GF_PATHS_PROVISIONING", value: "/etc/grafana/provisioning" },
                    { name: "GF_PATHS_DATA", value: "/var/lib/grafana/data" },
                    { name: "GF_ANALYTICS_REPORTING_ENABLED", value: "false" },
                  ],
                  volumeMounts: [
                    {
                      name: "datasources",
                      mountPath: "/etc/grafana/provisioning/datasources",
                      readOnly: true,
                    },
                    { name: "providers", mountPath: "/etc/grafana/provisioning/dashboards", readOnly: true },
                    { name: "dashboards", mountPath: "/var/lib/grafana/dashboards", readOnly: true },
                    { name: "data", mountPath: "/var/lib/grafana/data" },
                  ],
                }),
              ],
              volumes: [
                {
                  name: "datasources",
                  configMap: {
                    name: provisioning.metadata.name,
                    items: [{ key: "datasources.yaml", path: "datasources.yaml" }],
                  },
                },
                {
                  name: "providers",
                  configMap: {
                    name: provisioning.metadata.name,
                    items: [{ key: "dashboards.yaml", path: "dashboards.yaml" }],
                  },
                },
                { name: "dashboards", configMap: { name: dashboardMap.metadata.name } },
                { name: "data", emptyDir: { sizeLimit: "1Gi" } },
              ],
            }),
          },
        },
      },
      { parent: this },
    );
    new k8s.core.v1.Service(
      `${name}-grafana-service`,
      {
        metadata: metadata("grafana"),
        spec: {
          selector: selectorFor("grafana"),
          ports: [{ name: "http", port: GRAFANA_PORT, targetPort: "http" }],
        },
      },
      { parent: this },
    );
    const ingress = tlsIngress({
      hosts: [host],
      path: "/",
      service: "grafana",
      port: GRAFANA_PORT,
      tlsSecretName: `${spec.slug}-grafana-tls`,
      ingressClassName: args.ingressClassName,
      clusterIssuer: args.clusterIssuer,
    });
    new k8s.networking.v1.Ingress(
      `${name}-grafana-ingress`,
      { metadata: { ...metadata("grafana"), annotations: ingress.annotations }, spec: ingress.spec },
      { parent: this },
    );

    this.grafanaUrl = pulumi.output(`https://${host}/`);
    this.registerOutputs({ grafanaUrl: this.grafanaUrl });
  }
}
