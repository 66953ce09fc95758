import { type TenantSpec, tenantHosts, tiers } from "@dotmac/contracts";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { tlsIngress } from "../shared/ingress-spec.ts";
import { hardenedContainer, hardenedPodSpec, type Scheduling, scheduled } from "../shared/workload-specs.ts";
import { disruptionBudget, ispOpsEnv } from "./isp-ops-env.ts";
import { ISP_OPS_METRICS_PORT, ISP_OPS_PORT } from "./ports.ts";
import { type SecretsKeyRef, secretsKeyAnnotations, secretsKeyEnv } from "./secrets-key.ts";

export interface IspOpsArgs extends Scheduling {
  readonly spec: TenantSpec;
  readonly namespace: pulumi.Input<string>;
  readonly labels: Record<string, string>;
  readonly serviceAccountName: pulumi.Input<string>;
  /** The Secret holding DATABASE_URL. */
  readonly databaseSecretName: pulumi.Input<string>;
  /** The keyring that seals RADIUS passwords and NAS secrets. */
  readonly secretsKey: SecretsKeyRef;
  readonly ingressClassName: string;
  readonly clusterIssuer: string;
  /** The address subscribers and staff use; https on the first host when absent. */
  readonly publicUrl?: string;
  /** Scaled to zero, without an autoscaler to bring it back. */
  readonly suspended: boolean;
  /** The automation API, and the Secret holding the tenant's credential for it (PLATFORM_API_TOKEN). */
  readonly platformApi?: { readonly url: string; readonly credentialSecretName: pulumi.Input<string> };
  /** Who the tenant's mail is from, and the Secret holding SMTP_URL (the relay, with credentials). */
  readonly mail?: { readonly from: string; readonly smtpSecretName: pulumi.Input<string> };
  /** The Secret holding STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET (card payments), and Stripe's API if not its own. */
  readonly stripe?: { readonly secretName: pulumi.Input<string>; readonly apiUrl?: string };
}

/** When the billing run starts each day (UTC): after midnight's rollover, before the working day. */
export const BILLING_RUN_SCHEDULE = "15 2 * * *";

/** The tenant's isp-ops app: config, Deployment, Service, Ingress (with TLS), HPA, PDB and the daily billing run. */
export class IspOps extends pulumi.ComponentResource {
  readonly deployment: k8s.apps.v1.Deployment;
  readonly service: k8s.core.v1.Service;
  readonly ingress: k8s.networking.v1.Ingress;
  readonly hpa?: k8s.autoscaling.v2.HorizontalPodAutoscaler;
  readonly billingRun: k8s.batch.v1.CronJob;
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: IspOpsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dotmac:tenant:IspOps", name, {}, opts);
    const { spec } = args;
    const tier = tiers[spec.plan];
    const { placement, resources } = scheduled(args, "ispOps", tier.ispOps);
    const labels = {
      ...args.labels,
      "app.kubernetes.io/name": "isp-ops",
      "app.kubernetes.io/component": "app",
    };
    const selector = { "app.kubernetes.io/name": "isp-ops", "dotmac.io/tenant-slug": spec.slug };
    const metadata = (n: string) => ({ name: n, namespace: args.namespace, labels });
    const hosts = tenantHosts(spec);
    const publicUrl = args.publicUrl ?? `https://${hosts[0]}`;

    // Auto-named: a changed environment makes a new ConfigMap and a rolling update of the
    // Deployment, instead of replacing a fixed-name ConfigMap and, behind it, the Deployment.
    const config = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: { namespace: args.namespace, labels },
        data: ispOpsEnv(spec, {
          publicUrl,
          ...(args.platformApi ? { platformApiUrl: args.platformApi.url } : {}),
          ...(args.mail ? { mailFrom: args.mail.from } : {}),
        }),
      },
      { parent: this },
    );

    const tenantSecrets = [
      {
        name: "DATABASE_URL",
        valueFrom: { secretKeyRef: { name: args.databaseSecretName, key: "DATABASE_URL" } },
      },
      ...secretsKeyEnv(args.secretsKey),
      ...(args.mail
        ? [
            {
              name: "SMTP_URL",
              valueFrom: { secretKeyRef: { name: args.mail.smtpSecretName, key: "SMTP_URL" } },
            },
          ]
        : []),
    ];
    // Card payments are the web app's alone (checkout pages and Stripe's webhook): not the billing run's.
    const stripe = args.stripe;
    const stripeSecrets = stripe
      ? [
          ...["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"].map((key) => ({
            name: key,
            valueFrom: { secretKeyRef: { name: stripe.secretName, key } },
          })),
          ...(stripe.apiUrl ? [{ name: "STRIPE_API_URL", value: stripe.apiUrl }] : []),
        ]
      : [];

    this.deployment = new k8s.apps.v1.Deployment(
      name,
      {
        metadata: {
          ...metadata("isp-ops"),
          // The HPA co-owns spec.replicas through the scale subresource; our apply takes it back
          // (min replicas, or zero when suspended) instead of failing on the field conflict.
          annotations: { "pulumi.com/patchForce": "true" },
        },
        spec: {
          replicas: args.suspended ? 0 : tier.hpa.minReplicas,
          selector: { matchLabels: selector },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: {
            metadata: {
              labels: { ...labels, ...selector },
              annotations: {
                "prometheus.io/scrape": "true",
                "prometheus.io/port": String(ISP_OPS_METRICS_PORT),
                "prometheus.io/path": "/metrics",
                ...secretsKeyAnnotations(args.secretsKey),
              },
            },
            spec: hardenedPodSpec({
              serviceAccountName: args.serviceAccountName,
              placement,
              containers: [
                hardenedContainer({
                  name: "isp-ops",
                  image: spec.images.ispOps,
                  resources,
                  ports: [
                    { name: "http", containerPort: ISP_OPS_PORT },
                    { name: "metrics", containerPort: ISP_OPS_METRICS_PORT },
                  ],
                  probe: { path: "/api/healthz", readyPath: "/api/readyz", port: ISP_OPS_PORT },
                  envFrom: [{ configMapRef: { name: config.metadata.name } }],
                  env: [
                    { name: "HOST", value: "0.0.0.0" },
                    { name: "PORT", value: String(ISP_OPS_PORT) },
                    { name: "ISP_OPS_METRICS_PORT", value: String(ISP_OPS_METRICS_PORT) },
                    ...tenantSecrets,
                    ...stripeSecrets,
                    ...(args.platformApi
                      ? [
                          {
                            name: "PLATFORM_API_TOKEN",
                            valueFrom: {
                              secretKeyRef: {
                                name: args.platformApi.credentialSecretName,
                                key: "PLATFORM_API_TOKEN",
                              },
                            },
                          },
                        ]
                      : []),
                  ],
                  volumeMounts: [{ name: "next-cache", mountPath: "/app/apps/isp-ops/.next/cache" }],
                }),
              ],
              volumes: [{ name: "next-cache", emptyDir: { sizeLimit: "512Mi" } }],
            }),
          },
        },
      },
      { parent: this },
    );

    // Bills every started period once a day, then takes the dunning steps due
    // (`dotmac-isp-ops billing-run`): safe to kill and to repeat, so a missed or doubled start costs nothing; never two at once all the same.
    const billingLabels = {
      ...labels,
      "app.kubernetes.io/name": "isp-ops-billing",
      "app.kubernetes.io/component": "billing",
    };
    this.billingRun = new k8s.batch.v1.CronJob(
      `${name}-billing`,
      {
        metadata: { name: "isp-ops-billing", namespace: args.namespace, labels: billingLabels },
        spec: {
          schedule: BILLING_RUN_SCHEDULE,
          timeZone: "Etc/UTC",
          concurrencyPolicy: "Forbid",
          startingDeadlineSeconds: 3600,
          suspend: args.suspended,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: {
            spec: {
              backoffLimit: 3,
              activeDeadlineSeconds: 3 * 3600,
              ttlSecondsAfterFinished: 7 * 86_400,
              template: {
                metadata: { labels: billingLabels },
                spec: {
                  ...hardenedPodSpec({
                    serviceAccountName: args.serviceAccountName,
                    placement,
                    containers: [
                      hardenedContainer({
                        name: "billing-run",
                        image: spec.images.ispOps,
                        args: ["billing-run"],
                        resources,
                        ports: [],
                        // RADIUS_CONTROL_URL among them: dunning moves live sessions through RADIUS.
                        envFrom: [{ configMapRef: { name: config.metadata.name } }],
                        env: tenantSecrets,
                      }),
                    ],
                  }),
                  restartPolicy: "Never",
                },
              },
            },
          },
        },
      },
      { parent: this },
    );

    this.service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: metadata("isp-ops"),
        spec: {
          type: "ClusterIP",
          selector,
          ports: [{ name: "http", port: ISP_OPS_PORT, targetPort: "http" }],
        },
      },
      { parent: this },
    );

    const ingress = tlsIngress({
      hosts,
      path: "/",
      service: "isp-ops",
      port: ISP_OPS_PORT,
      tlsSecretName: `${spec.slug}-tls`,
      ingressClassName: args.ingressClassName,
      clusterIssuer: args.clusterIssuer,
    });
    this.ingress = new k8s.networking.v1.Ingress(
      `${name}-ingress`,
      { metadata: { ...metadata("isp-ops"), annotations: ingress.annotations }, spec: ingress.spec },
      { parent: this, dependsOn: [this.service] },
    );

    if (!args.suspended) {
      this.hpa = new k8s.autoscaling.v2.HorizontalPodAutoscaler(
        `${name}-hpa`,
        {
          metadata: metadata("isp-ops"),
          spec: {
            scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "isp-ops" },
            minReplicas: tier.hpa.minReplicas,
            maxReplicas: tier.hpa.maxReplicas,
            metrics: [
              {
                type: "Resource",
                resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } },
              },
              {
                type: "Resource",
                resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } },
              },
            ],
          },
        },
        { parent: this, dependsOn: [this.deployment] },
      );
    }

    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      {
        metadata: metadata("isp-ops"),
        spec: { ...disruptionBudget(tier.hpa.minReplicas), selector: { matchLabels: selector } },
      },
      { parent: this },
    );

    this.url = pulumi.output(publicUrl);
    this.registerOutputs({ url: this.url });
  }
}
