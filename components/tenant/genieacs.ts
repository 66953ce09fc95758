import { componentResources, type TenantSpec } from "@dotmac/contracts";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { appLabeller } from "../shared/app-labels.ts";
import { GeneratedSecret } from "../shared/generated-secret.ts";
import { hardenedContainer, hardenedPodSpec, type Scheduling, scheduled } from "../shared/workload-specs.ts";
import { genieacsServices, MONGO_PORT } from "./ports.ts";

const MONGO_USER = "genieacs";

export interface GenieAcsArgs extends Scheduling {
  readonly spec: TenantSpec;
  readonly namespace: pulumi.Input<string>;
  readonly labels: Record<string, string>;
  readonly serviceAccountName: pulumi.Input<string>;
  /**
   * Mongo's data: a PersistentVolumeClaim of this class, or (no class: the local environment,
   * which has no storage provisioner) an emptyDir that lives as long as the pod.
   */
  readonly storageClassName?: string;
  readonly suspended: boolean;
}

/** GenieACS (device management over TR-069) and the MongoDB it keeps its state in. */
export class GenieAcs extends pulumi.ComponentResource {
  readonly service: k8s.core.v1.Service;

  constructor(name: string, args: GenieAcsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("dotmac:tenant:GenieAcs", name, {}, opts);
    const { spec } = args;
    const replicas = args.suspended ? 0 : 1;
    const { labelsFor, selectorFor } = appLabeller(args.labels, "genieacs", spec.slug);
    const metadata = (n: string, app: string) => ({
      name: n,
      namespace: args.namespace,
      labels: labelsFor(app),
    });

    const jwtKey = new GeneratedSecret(`${name}-ui-jwt`, { bytes: 32 }, { parent: this });
    // MongoDB runs with authentication: its root user is created on first start from this
    // Secret, and GenieACS is the only client that knows the password.
    const mongoPassword = new GeneratedSecret(`${name}-mongodb-password`, { bytes: 24 }, { parent: this });
    const mongoSecret = new k8s.core.v1.Secret(
      `${name}-mongodb-secret`,
      {
        metadata: metadata("mongodb", "mongodb"),
        type: "Opaque",
        stringData: {
          MONGO_INITDB_ROOT_USERNAME: MONGO_USER,
          MONGO_INITDB_ROOT_PASSWORD: mongoPassword.value,
        },
      },
      { parent: this },
    );
    const secret = new k8s.core.v1.Secret(
      `${name}-secret`,
      {
        metadata: metadata("genieacs", "genieacs"),
        type: "Opaque",
        stringData: {
          GENIEACS_UI_JWT_SECRET: jwtKey.value,
          GENIEACS_MONGODB_CONNECTION_URL: pulumi.interpolate`mongodb://${MONGO_USER}:${mongoPassword.value.apply(encodeURIComponent)}@mongodb.${args.namespace}.svc:${MONGO_PORT}/genieacs?authSource=admin`,
        },
      },
      { parent: this },
    );

    const mongo = scheduled(args, "mongodb", componentResources.mongodb);
    const mongoContainer = hardenedContainer({
      name: "mongodb",
      image: spec.images.mongodb,
      resources: mongo.resources,
      ports: [{ name: "mongo", containerPort: MONGO_PORT }],
      probe: { port: MONGO_PORT, tcp: true },
      args: ["--bind_ip_all", "--auth", "--dbpath", "/data/db"],
      envFrom: [{ secretRef: { name: mongoSecret.metadata.name } }],
      volumeMounts: [{ name: "data", mountPath: "/data/db" }],
    });
    new k8s.apps.v1.StatefulSet(
      `${name}-mongodb`,
      {
        metadata: metadata("mongodb", "mongodb"),
        spec: {
          serviceName: "mongodb",
          replicas,
          selector: { matchLabels: selectorFor("mongodb") },
          template: {
            metadata: { labels: { ...labelsFor("mongodb"), ...selectorFor("mongodb") } },
            spec: hardenedPodSpec({
              serviceAccountName: args.serviceAccountName,
              placement: mongo.placement,
              containers: [mongoContainer],
              volumes: args.storageClassName ? [] : [{ name: "data", emptyDir: { sizeLimit: "2Gi" } }],
            }),
          },
          ...(args.storageClassName
            ? {
                volumeClaimTemplates: [
                  {
                    metadata: { name: "data" },
                    spec: {
                      accessModes: ["ReadWriteOnce"],
                      storageClassName: args.storageClassName,
                      resources: { requests: { storage: "10Gi" } },
                    },
                  },
                ],
              }
            : {}),
        },
      },
      { parent: this },
    );
    new k8s.core.v1.Service(
      `${name}-mongodb-service`,
      {
        metadata: metadata("mongodb", "mongodb"),
        spec: {
          clusterIP: "None",
          selector: selectorFor("mongodb"),
          ports: [{ name: "mongo", port: MONGO_PORT }],
        },
      },
      { parent: this },
    );

    const acs = scheduled(args, "genieacs", componentResources.genieacs);
    new k8s.apps.v1.Deployment(
      name,
      {
        metadata: metadata("genieacs", "genieacs"),
        spec: {
          replicas,
          selector: { matchLabels: selectorFor("genieacs") },
          template: {
            metadata: { labels: { ...labelsFor("genieacs"), ...selectorFor("genieacs") } },
            spec: hardenedPodSpec({
              serviceAccountName: args.serviceAccountName,
              placement: acs.placement,
              containers: genieacsServices.map((svc) =>
                hardenedContainer({
                  name: svc.name,
                  image: spec.images.genieacs,
                  args: [`genieacs-${svc.name}`],
                  resources: acs.resources,
                  ports: [{ name: svc.name, containerPort: svc.port }],
                  probe: { port: svc.port, tcp: true },
                  envFrom: [{ secretRef: { name: secret.metadata.name } }],
                  env: [
                    { name: `GENIEACS_${svc.name.toUpperCase()}_PORT`, value: String(svc.port) },
                    { name: "GENIEACS_EXT_DIR", value: "/tmp/ext" },
                  ],
                }),
              ),
            }),
          },
        },
      },
      { parent: this },
    );
    this.service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: metadata("genieacs", "genieacs"),
        spec: {
          type: "ClusterIP",
          selector: selectorFor("genieacs"),
          ports: genieacsServices.map((s) => ({ name: s.name, port: s.port, targetPort: s.name })),
        },
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
