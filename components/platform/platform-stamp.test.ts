import { PlatformSpec, type PlatformSpecInput } from "@dotmac/contracts";
import { AutomationApiEnv, PlatformAdminEnv } from "@dotmac/contracts/app-env";
import { beforeEach, describe, expect, it } from "vitest";
import {
  containerEnv,
  record,
  registered,
  resetMocks,
  secretOf,
  settled,
  value,
} from "../test-support/mock-engine.ts";
import { automationApiClusterRules, tenantManagerRules } from "./automation-api-rbac.ts";
import { PlatformStamp, type PlatformStampArgs, platformResources } from "./platform-stamp.ts";

async function platform(input: PlatformSpecInput, args: Partial<PlatformStampArgs> = {}) {
  const spec = PlatformSpec.parse(input);
  const stamp = new PlatformStamp(
    "platform",
    { spec, postgres: { adminUrl: "postgres://admin:pw@127.0.0.1:5432/postgres" }, ...args },
    { transformations: [record] },
  );
  const outputs = {
    namespace: await value(stamp.namespace),
    adminUrl: await value(stamp.adminUrl),
    stateBackendUrl: await value(stamp.stateBackendUrl),
    secretsProvider: await value(stamp.secretsProvider),
  };
  return { outputs, ...(await settled()) };
}

const awsDatabase = {
  target: "aws" as const,
  vpcId: "vpc-0a1b2c3d",
  subnetIds: ["subnet-0a1b2c3d", "subnet-1a2b3c4d"],
  clusterCidrs: ["10.20.0.0/16"],
};

beforeEach(resetMocks);

describe("PlatformStamp", () => {
  it("runs the control plane in platform-admin with the seed's quota, behind admin.<domain>", async () => {
    const { outputs, one } = await platform({ baseDomain: "dotmac.example" });
    expect(outputs.namespace).toBe("platform-admin");
    expect(one("kubernetes:core/v1:Namespace").inputs.metadata.labels).toMatchObject({
      "app.kubernetes.io/component": "control-plane",
      "pod-security.kubernetes.io/enforce": "restricted",
    });
    expect(one("kubernetes:core/v1:ResourceQuota").inputs.spec.hard).toMatchObject({
      "requests.cpu": "8",
      "limits.memory": "32Gi",
    });
    const ingress = one("kubernetes:networking.k8s.io/v1:Ingress");
    expect(ingress.inputs.spec.rules[0].host).toBe("admin.dotmac.example");
    expect(outputs.adminUrl).toBe("https://admin.dotmac.example");
    expect(one("kubernetes:apps/v1:Deployment", "automation-api").inputs.spec.replicas).toBe(2);
    expect(one("pulumi-nodejs:dynamic/dotmac:PostgresDatabase").inputs.database).toBe("dotmac_platform");
    expect(outputs.stateBackendUrl).toBeUndefined();
  });

  it("gives the automation API and the admin app exactly the environment their own schemas read", async () => {
    for (const target of [{}, { region: "eu-west-1", database: awsDatabase }] as PlatformSpecInput[]) {
      resetMocks();
      const { one } = await platform({ baseDomain: "dotmac.example", ...target });
      const container = (name: string) =>
        one("kubernetes:apps/v1:Deployment", name).inputs.spec.template.spec.containers[0];
      const api = containerEnv(container("automation-api"));
      const checks = [
        ["automation-api", AutomationApiEnv.strict().safeParse(api)],
        ["platform-admin", PlatformAdminEnv.strict().safeParse(containerEnv(container("platform-admin")))],
      ] as const;
      for (const [name, parsed] of checks) expect(parsed.error?.issues ?? [], name).toEqual([]);
      // Reachable through its Service, Secure cookies (never plain HTTP), a writable workspace, and a
      // way to seal secrets.
      expect(api.HOST).toBe("0.0.0.0");
      expect(api.DOTMAC_PLAIN_HTTP).toBeUndefined();
      expect(api.DOTMAC_WORKSPACES_DIR?.startsWith("/var/lib/dotmac/")).toBe(true);
      expect(api.PULUMI_CONFIG_PASSPHRASE ?? api.DOTMAC_SECRETS_PROVIDER).toBeTruthy();
      expect(
        container("automation-api").volumeMounts.map((m: { mountPath: string }) => m.mountPath),
      ).toContain("/var/lib/dotmac");
      expect(container("automation-api").livenessProbe.httpGet.path).toBe("/healthz");
      expect(container("platform-admin").ports[0].containerPort).toBe(
        Number(containerEnv(container("platform-admin")).PORT),
      );
    }
  });

  it("lets tenants' isp-ops reach the API's port alone, and tells tenant stacks where that is", async () => {
    const { one } = await platform({});
    const api = one("kubernetes:apps/v1:Deployment", "automation-api").inputs.spec.template.spec;
    expect(containerEnv(api.containers[0]).DOTMAC_PLATFORM_API_URL).toBe(
      "http://automation-api.platform-admin.svc:8080",
    );
    const policy = one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "allow-tenant-isp-ops").inputs.spec;
    expect(policy.podSelector).toEqual({ matchLabels: { "app.kubernetes.io/name": "automation-api" } });
    expect(policy.ingress).toEqual([
      {
        from: [
          {
            namespaceSelector: { matchExpressions: [{ key: "dotmac.io/tenant-slug", operator: "Exists" }] },
            podSelector: { matchLabels: { "app.kubernetes.io/name": "isp-ops" } },
          },
        ],
        ports: [{ protocol: "TCP", port: 8080 }],
      },
    ]);
  });

  it("places and sizes its own pods, and hands the same placement and sizing to tenant stacks", async () => {
    const placement = {
      default: { nodeSelector: { type: "kwok" } },
      workloads: { automationApi: { nodeSelector: { "dotmac.io/node": "real" } } },
    };
    const { one } = await platform({}, { placement, sizing: "compact" });
    const pod = (name: string) => one("kubernetes:apps/v1:Deployment", name).inputs.spec.template.spec;
    expect(pod("automation-api").nodeSelector).toEqual({ "dotmac.io/node": "real" });
    expect(pod("platform-admin").nodeSelector).toEqual({ type: "kwok" });
    // The seed's 2 CPUs for the admin app, of which compact asks a tenth.
    expect(pod("platform-admin").containers[0].resources.requests).toEqual({ cpu: "200m", memory: "1024Mi" });
    const env = AutomationApiEnv.parse(containerEnv(pod("automation-api").containers[0]));
    expect(env.DOTMAC_PLACEMENT).toEqual(placement);
    expect(env.DOTMAC_SIZING).toBe("compact");

    resetMocks();
    const plain = await platform({});
    const adminPod = plain.one("kubernetes:apps/v1:Deployment", "platform-admin").inputs.spec.template.spec;
    expect(adminPod.nodeSelector).toBeUndefined();
    expect(adminPod.containers[0].resources).toEqual(platformResources.platformAdmin);
    expect(
      AutomationApiEnv.parse(
        containerEnv(
          plain.one("kubernetes:apps/v1:Deployment", "automation-api").inputs.spec.template.spec
            .containers[0],
        ),
      ).DOTMAC_PLACEMENT,
    ).toBeUndefined();
  });

  it("keeps the stacks' state in the platform database on the postgres target", async () => {
    const { one } = await platform({});
    const api = containerEnv(
      one("kubernetes:apps/v1:Deployment", "automation-api").inputs.spec.template.spec.containers[0],
    );
    expect(api.PULUMI_BACKEND_URL).toBe(
      "postgres://dotmac_platform:mock-password@127.0.0.1:5432/dotmac_platform?table=pulumi_state&sslmode=disable",
    );
    expect(api.DOTMAC_TENANT_POSTGRES_URL).toBe("postgres://admin:pw@127.0.0.1:5432/postgres");
    expect(api.PULUMI_CONFIG_PASSPHRASE?.length).toBeGreaterThanOrEqual(43);
  });

  it("gives its in-cluster engine the server's address as pods reach it", async () => {
    const adminUrl = "postgres://admin:pw@127.0.0.1:5432/postgres";
    const { one } = await platform({}, { postgres: { adminUrl, appHost: "10.213.0.1", appPort: 6432 } });
    const api = containerEnv(
      one("kubernetes:apps/v1:Deployment", "automation-api").inputs.spec.template.spec.containers[0],
    );
    expect(api.DOTMAC_TENANT_POSTGRES_URL).toBe("postgres://admin:pw@10.213.0.1:6432/postgres");
    expect(api.DATABASE_URL).toMatch(/@10\.213\.0\.1:6432\/dotmac_platform$/);
  });

  it("grants the automation API nothing readable cluster-wide, and confines it to tenant-*", async () => {
    const { of } = await platform({});
    const roles = Object.fromEntries(
      of("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole").map((r) => [
        r.inputs.metadata.name,
        r.inputs.rules,
      ]),
    );
    expect(roles["dotmac-automation-api"]).toEqual(automationApiClusterRules);
    expect(roles["dotmac-tenant-manager"]).toEqual(tenantManagerRules);
    const clusterWide = JSON.stringify(roles["dotmac-automation-api"]);
    expect(clusterWide).not.toContain('"*"');
    expect(clusterWide).not.toMatch(/secrets|configmaps|pods|clusterrolebindings|nodes/);
    expect(clusterWide).not.toMatch(/"escalate"|"impersonate"/);
    // `bind` only for the tenant-manager role, so a tenant binding can grant nothing more.
    const bind = roles["dotmac-automation-api"].find((r: { verbs: string[] }) => r.verbs.includes("bind"));
    expect(bind.resourceNames).toEqual(["dotmac-tenant-manager"]);
    const policy = of("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy")[0];
    expect(policy?.inputs.spec.matchConditions[0].expression).toContain(
      "system:serviceaccount:platform-admin:automation-api",
    );
    expect(
      policy?.inputs.spec.validations.map((v: { expression: string }) => v.expression).join(" "),
    ).toContain("startsWith('tenant-')");
    expect(
      of("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding")[0]?.inputs.spec
        .validationActions,
    ).toEqual(["Deny"]);
  });

  it("on AWS keeps stack state in a versioned, KMS-encrypted, private bucket and a Multi-AZ database", async () => {
    const { outputs, one } = await platform({
      region: "eu-west-1",
      database: {
        target: "aws",
        vpcId: "vpc-0a1b2c3d",
        subnetIds: ["subnet-0a1b2c3d", "subnet-1a2b3c4d"],
        clusterCidrs: ["10.20.0.0/16"],
      },
    });
    expect(one("aws:kms/key:Key").inputs.enableKeyRotation).toBe(true);
    expect(one("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration).toEqual({
      status: "Enabled",
    });
    expect(
      one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs
        .rules[0],
    ).toMatchObject({
      applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" },
    });
    expect(one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(one("aws:rds/instance:Instance").inputs).toMatchObject({
      multiAz: true,
      storageEncrypted: true,
      publiclyAccessible: false,
    });
    expect(outputs.stateBackendUrl).toBe("s3://dotmac-pulumi-state");
    expect(outputs.secretsProvider).toBe("awskms://alias/dotmac-pulumi-state");
    const api = one("kubernetes:apps/v1:Deployment", "automation-api");
    const env = api.inputs.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: "PULUMI_BACKEND_URL", value: "s3://dotmac-pulumi-state" });
  });

  it("on GCP uses a CMEK bucket the storage agent may use, and a regional Cloud SQL", async () => {
    const { outputs, one } = await platform({
      region: "europe-west1",
      database: { target: "gcp", project: "dotmac-prod", network: "main" },
    });
    expect(one("gcp:kms/cryptoKey:CryptoKey").inputs.rotationPeriod).toBe("7776000s");
    expect(one("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember").inputs.member).toBe(
      "serviceAccount:service-123@gs-project-accounts.iam.gserviceaccount.com",
    );
    const bucket = one("gcp:storage/bucket:Bucket");
    expect(bucket.inputs).toMatchObject({
      versioning: { enabled: true },
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
    });
    expect(one("gcp:sql/databaseInstance:DatabaseInstance").inputs.settings.availabilityType).toBe(
      "REGIONAL",
    );
    expect(outputs.stateBackendUrl).toBe("gs://dotmac-pulumi-state");
    expect(outputs.secretsProvider).toMatch(/^gcpkms:\/\//);
  });

  it("keeps the platform's database URL secret", async () => {
    const { one } = await platform({});
    const secret = one("kubernetes:core/v1:Secret", "platform-db");
    expect(secret.inputs.stringData).toEqual(
      secretOf({ DATABASE_URL: "postgres://dotmac_platform:mock-password@127.0.0.1:5432/dotmac_platform" }),
    );
    expect(registered.length).toBeGreaterThan(10);
  });
});
