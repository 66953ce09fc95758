import { type PlanTier, TenantSpec, type TenantSpecInput, tiers } from "@dotmac/contracts";
import { IspOpsProcessEnv, IspOpsTenantEnv, RadiusEnv } from "@dotmac/contracts/app-env";
import { beforeEach, describe, expect, it } from "vitest";
import {
  containerEnv,
  type Registered,
  record,
  registered,
  resetMocks,
  SECRET_SIG,
  SECRET_VALUE,
  settled,
  value,
} from "../shared/mock-engine.ts";
import { TenantStamp, type TenantStampArgs } from "./tenant-stamp.ts";

const base: TenantSpecInput = {
  slug: "fast-fiber",
  tenantId: "5b3c1f0e-8d2a-4c7b-9f3e-2a1d4c5b6e7f",
  displayName: "Fast Fiber ISP",
  plan: "professional",
  seats: 10,
  nasCidrs: ["100.64.10.0/24"],
};

const targets = {
  postgres: { database: { target: "postgres" as const } },
  aws: {
    region: "eu-west-1",
    database: {
      target: "aws" as const,
      vpcId: "vpc-0a1b2c3d",
      subnetIds: ["subnet-0a1b2c3d", "subnet-1a2b3c4d"],
      clusterCidrs: ["10.20.0.0/16"],
    },
  },
  gcp: {
    region: "europe-west1",
    database: {
      target: "gcp" as const,
      project: "dotmac-prod",
      network: "projects/dotmac-prod/global/networks/main",
    },
  },
};

async function stamp(input: Partial<TenantSpecInput>, args: Partial<TenantStampArgs> = {}) {
  const spec = TenantSpec.parse({ ...base, ...input });
  const s = new TenantStamp(
    "t",
    { spec, postgres: { adminUrl: "postgres://admin:pw@127.0.0.1:5432/postgres" }, ...args },
    { transformations: [record] },
  );
  const outputs = {
    namespace: await value(s.namespace),
    appUrl: await value(s.appUrl),
    radiusEndpoint: await value(s.radiusEndpoint),
    grafanaUrl: await value(s.grafanaUrl),
    databaseHost: await value(s.databaseHost),
    databaseName: await value(s.databaseName),
    connectionSecretName: await value(s.connectionSecretName),
  };
  return { spec, outputs, ...(await settled()) };
}

beforeEach(resetMocks);

const containersOf = (r: Registered): any[] => r.inputs.spec.template.spec.containers;

describe.each(["starter", "professional", "enterprise"] as PlanTier[])("TenantStamp, %s plan", (plan) => {
  const tier = tiers[plan];

  describe.each(Object.keys(targets) as (keyof typeof targets)[])("on the %s database target", (target) => {
    it("builds the namespace, its guard rails and the database the plan calls for", async () => {
      const { outputs, urns, of, one } = await stamp({ plan, seats: 5, ...targets[target] });

      expect(outputs.namespace).toBe("tenant-fast-fiber");
      const ns = one("kubernetes:core/v1:Namespace");
      expect(ns.inputs.metadata.labels).toMatchObject({
        "dotmac.io/tenant-id": base.tenantId,
        "dotmac.io/tenant-slug": "fast-fiber",
        "dotmac.io/plan-tier": plan,
        "app.kubernetes.io/component": "tenant",
        "pod-security.kubernetes.io/enforce": "restricted",
      });

      const quota = one("kubernetes:core/v1:ResourceQuota");
      expect(quota.inputs.spec.hard).toMatchObject({
        "requests.cpu": tier.quota.requestsCpu,
        "requests.memory": tier.quota.requestsMemory,
        "limits.cpu": tier.quota.limitsCpu,
        "limits.memory": tier.quota.limitsMemory,
        persistentvolumeclaims: String(tier.quota.persistentVolumeClaims),
      });
      const limits = one("kubernetes:core/v1:LimitRange");
      expect(limits.inputs.spec.limits[0].max).toEqual(tier.ispOps.limits);

      const hpa = one("kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
      expect(hpa.inputs.spec).toMatchObject({
        minReplicas: tier.hpa.minReplicas,
        maxReplicas: tier.hpa.maxReplicas,
      });
      expect(
        hpa.inputs.spec.metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization]),
      ).toEqual([
        ["cpu", 70],
        ["memory", 80],
      ]);
      const ispOps = one("kubernetes:apps/v1:Deployment", "isp-ops");
      expect(ispOps.inputs.spec.replicas).toBe(tier.hpa.minReplicas);
      expect(containersOf(ispOps)[0].resources).toEqual(tier.ispOps);

      const dbSecret = one("kubernetes:core/v1:Secret", "tenant-db");
      expect(outputs.connectionSecretName).toBe("tenant-db");
      // The connection URL reaches the engine as a secret, never as plain text.
      expect(dbSecret.inputs.stringData[SECRET_SIG]).toBe(SECRET_VALUE);
      expect(dbSecret.inputs.stringData.value.DATABASE_URL).toMatch(
        /^postgres:\/\/tenant_fast_fiber:|^postgres:\/\/dotmac_admin:/,
      );

      if (target === "aws") {
        const rds = one("aws:rds/instance:Instance");
        expect(rds.inputs).toMatchObject({
          storageEncrypted: true,
          publiclyAccessible: false,
          deletionProtection: true,
          multiAz: tier.database.highlyAvailable,
          instanceClass: tier.database.awsInstanceClass,
          allocatedStorage: tier.database.storageGb,
          backupRetentionPeriod: tier.database.backupRetentionDays,
        });
        expect(rds.inputs.backupRetentionPeriod).toBeGreaterThanOrEqual(7);
        expect(rds.inputs.password).toEqual({ [SECRET_SIG]: SECRET_VALUE, value: "mock-random" });
        const sg = one("aws:ec2/securityGroup:SecurityGroup");
        expect(sg.inputs.ingress).toEqual([
          expect.objectContaining({ fromPort: 5432, toPort: 5432, cidrBlocks: ["10.20.0.0/16"] }),
        ]);
        expect(one("aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds).toHaveLength(2);
        expect(outputs.databaseHost).toBe("db.example.internal");
      } else if (target === "gcp") {
        const sql = one("gcp:sql/databaseInstance:DatabaseInstance");
        expect(sql.inputs.deletionProtection).toBe(true);
        expect(sql.inputs.settings.availabilityType).toBe(
          tier.database.highlyAvailable ? "REGIONAL" : "ZONAL",
        );
        expect(sql.inputs.settings.ipConfiguration).toMatchObject({ ipv4Enabled: false });
        expect(sql.inputs.settings.backupConfiguration).toMatchObject({
          enabled: true,
          pointInTimeRecoveryEnabled: true,
        });
        expect(one("gcp:sql/database:Database").inputs.name).toBe("tenant_fast_fiber");
        expect(one("gcp:sql/user:User").inputs.name).toBe("tenant_fast_fiber");
        expect(outputs.databaseHost).toBe("10.1.2.3");
      } else {
        const db = one("pulumi-nodejs:dynamic/dotmac:PostgresDatabase");
        expect(db.inputs).toMatchObject({ database: "tenant_fast_fiber", role: "tenant_fast_fiber" });
        expect(of("aws:rds/instance:Instance")).toHaveLength(0);
        expect(outputs.databaseHost).toBe("127.0.0.1");
      }
      expect(outputs.databaseName).toBe("tenant_fast_fiber");

      // Every resource is a descendant of the stamp (the transformation saw it), and the engine
      // agrees: each one's qualified type starts with the stamp's token.
      const types = urns.map((u) => u.split("::")[2] ?? "");
      expect(types.filter((t) => t === "dotmac:tenant:TenantStamp")).toHaveLength(1);
      const descendants = types.filter((t) => t !== "dotmac:tenant:TenantStamp");
      expect(descendants.length).toBe(
        registered.filter((r) => r.type !== "dotmac:tenant:TenantStamp").length,
      );
      for (const t of descendants) {
        // parentType$type: every resource hangs under one of our components, and every one of
        // our components hangs directly under the stamp.
        const [parent, own] = t.split("$");
        expect(parent, t).toMatch(/^dotmac:(tenant|database):/);
        if (own?.startsWith("dotmac:")) expect(parent, t).toBe("dotmac:tenant:TenantStamp");
      }
    });
  });

  it("runs exactly the parts the plan's features switch on", async () => {
    const { of } = await stamp({ plan, seats: 5 });
    const names = of("kubernetes:apps/v1:Deployment")
      .map((d) => d.inputs.metadata.name)
      .sort();
    const expected = [
      "isp-ops",
      "radius",
      "prometheus",
      "grafana",
      ...(plan === "starter" ? [] : ["genieacs"]),
    ].sort();
    expect(names).toEqual(expected);
    expect(of("kubernetes:apps/v1:StatefulSet")).toHaveLength(plan === "starter" ? 0 : 1);
  });
});

describe("TenantStamp", () => {
  it("selects namespaces by kubernetes.io/metadata.name and denies everything else", async () => {
    const { of } = await stamp({});
    const policies = Object.fromEntries(
      of("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) => [p.inputs.metadata.name, p.inputs.spec]),
    );
    expect(Object.keys(policies).sort()).toEqual([
      "allow-database",
      "allow-dns",
      "allow-from-platform-and-ingress",
      "allow-https-out",
      "allow-radius-from-nas",
      "allow-same-namespace",
      "default-deny",
    ]);
    expect(policies["default-deny"]).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    expect(policies["allow-from-platform-and-ingress"].ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "platform-admin" } } },
      { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } },
    ]);
    const radius = policies["allow-radius-from-nas"];
    expect(radius.podSelector).toEqual({ matchLabels: { "app.kubernetes.io/name": "radius" } });
    expect(radius.ingress[0]).toEqual({
      from: [{ ipBlock: { cidr: "100.64.10.0/24" } }],
      ports: [
        { protocol: "UDP", port: 1812 },
        { protocol: "UDP", port: 1813 },
      ],
    });
    expect(radius.egress[0].ports).toEqual([{ protocol: "UDP", port: 3799 }]);
    // No selector anywhere uses the seed's `name:` label, which no namespace has.
    expect(JSON.stringify(policies)).not.toMatch(/"name":"(platform-admin|tenant-)/);
  });

  it("lets the control plane's automation API manage this namespace, through one RoleBinding", async () => {
    const { one } = await stamp({});
    const binding = one("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "dotmac-automation-api");
    expect(binding.inputs.metadata.namespace).toBe("tenant-fast-fiber");
    expect(binding.inputs.roleRef).toEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "ClusterRole",
      name: "dotmac-tenant-manager",
    });
    expect(binding.inputs.subjects).toEqual([
      { kind: "ServiceAccount", name: "automation-api", namespace: "platform-admin" },
    ]);
  });

  it("hardens every container and pins every image", async () => {
    const { of } = await stamp({ plan: "enterprise", seats: 100 });
    const workloads = [...of("kubernetes:apps/v1:Deployment"), ...of("kubernetes:apps/v1:StatefulSet")];
    expect(workloads.length).toBeGreaterThanOrEqual(6);
    for (const w of workloads) {
      const pod = w.inputs.spec.template.spec;
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: "RuntimeDefault" },
      });
      for (const c of pod.containers) {
        expect(c.securityContext, `${w.inputs.metadata.name}/${c.name}`).toMatchObject({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          privileged: false,
          capabilities: { drop: ["ALL"] },
        });
        expect(c.resources.requests.cpu).toBeDefined();
        expect(c.resources.limits.memory).toBeDefined();
        expect(c.readinessProbe).toBeDefined();
        expect(c.livenessProbe).toBeDefined();
        expect(c.image).toMatch(/:[^:/]+$/);
        expect(c.image).not.toMatch(/:latest$/);
        for (const e of c.env ?? []) {
          // Secrets come from Secrets, never as literal values.
          if (/PASSWORD|SECRET|KEY|DATABASE_URL/.test(e.name))
            expect(e.valueFrom?.secretKeyRef).toBeDefined();
        }
      }
    }
  });

  it("gives isp-ops the seed's environment, its ingress with TLS for every host, and a PDB", async () => {
    const { one, of, outputs } = await stamp({
      plan: "enterprise",
      seats: 100,
      customDomains: ["ops.fastfiber.example"],
      branding: {
        name: "Fast Fiber",
        primaryColor: "#112233",
        logoUrl: "https://cdn.fastfiber.example/logo.png",
      },
    });
    const [config] = of("kubernetes:core/v1:ConfigMap").filter((c) => c.inputs.data?.TENANT_SLUG);
    if (!config) throw new Error("no isp-ops ConfigMap");
    expect(config.inputs.data).toMatchObject({
      TENANT_ID: base.tenantId,
      TENANT_SLUG: "fast-fiber",
      NEXT_PUBLIC_TENANT_NAME: "Fast Fiber",
      NEXT_PUBLIC_PRIMARY_COLOR: "#112233",
      NEXT_PUBLIC_TENANT_LOGO_URL: "https://cdn.fastfiber.example/logo.png",
      NEXT_PUBLIC_ENABLE_ADVANCED_ANALYTICS: "true",
    });
    expect(Object.values(config.inputs.data).join(" ")).not.toMatch(/postgres:\/\//);
    const ingress = one("kubernetes:networking.k8s.io/v1:Ingress", "isp-ops");
    expect(ingress.inputs.metadata.annotations["cert-manager.io/cluster-issuer"]).toBe("letsencrypt-prod");
    expect(ingress.inputs.spec.tls).toEqual([
      { hosts: ["fast-fiber.isp.dotmac.io", "ops.fastfiber.example"], secretName: "fast-fiber-tls" },
    ]);
    expect(ingress.inputs.spec.rules.map((r: any) => r.host)).toEqual([
      "fast-fiber.isp.dotmac.io",
      "ops.fastfiber.example",
    ]);
    expect(one("kubernetes:policy/v1:PodDisruptionBudget").inputs.spec).toMatchObject({ minAvailable: 1 });
    expect(outputs.appUrl).toBe("https://fast-fiber.isp.dotmac.io");
    expect(outputs.grafanaUrl).toBe("https://fast-fiber.isp.dotmac.io/grafana/");
  });

  it("gives isp-ops and RADIUS exactly the environment their own schemas read", async () => {
    const { one } = await stamp({ plan: "enterprise", seats: 100 });
    const container = (name: string) =>
      one("kubernetes:apps/v1:Deployment", name).inputs.spec.template.spec.containers[0];
    const schemas = {
      "isp-ops": IspOpsProcessEnv.extend(IspOpsTenantEnv.shape).strict(),
      radius: RadiusEnv.strict(),
    };
    for (const [name, schema] of Object.entries(schemas)) {
      const parsed = schema.safeParse(containerEnv(container(name)));
      expect(parsed.error?.issues ?? [], name).toEqual([]);
    }
    // Liveness never depends on the database (an outage would restart every pod); readiness does.
    expect(container("isp-ops").livenessProbe.httpGet.path).toBe("/api/healthz");
    expect(container("isp-ops").readinessProbe.httpGet.path).toBe("/api/readyz");
    expect(container("radius").livenessProbe.httpGet.path).toBe("/healthz");
    expect(container("radius").readinessProbe.httpGet.path).toBe("/readyz");
  });

  it("scales a suspended tenant to zero and removes its autoscaler", async () => {
    const { of } = await stamp({}, { suspended: true });
    expect(of("kubernetes:autoscaling/v2:HorizontalPodAutoscaler")).toHaveLength(0);
    for (const w of [...of("kubernetes:apps/v1:Deployment"), ...of("kubernetes:apps/v1:StatefulSet")]) {
      expect(w.inputs.spec.replicas, w.inputs.metadata.name).toBe(0);
    }
    expect(of("kubernetes:core/v1:Namespace")[0]?.inputs.metadata.annotations["dotmac.io/suspended"]).toBe(
      "true",
    );
  });

  it("exposes RADIUS through a LoadBalancer that keeps the NAS's source address", async () => {
    const { one, outputs } = await stamp({});
    const svc = one("kubernetes:core/v1:Service", "radius");
    expect(svc.inputs.spec).toMatchObject({ type: "LoadBalancer", externalTrafficPolicy: "Local" });
    expect(svc.inputs.spec.ports.map((p: any) => `${p.port}/${p.protocol}`)).toEqual([
      "1812/UDP",
      "1813/UDP",
      "3799/UDP",
    ]);
    expect(outputs.radiusEndpoint).toBe("pending:1812");
    // The control port (isp-ops asking for disconnects) stays inside the namespace.
    const control = one("kubernetes:core/v1:Service", "radius-control");
    expect(control.inputs.spec).toMatchObject({
      type: "ClusterIP",
      ports: [{ port: 9812, targetPort: "metrics" }],
    });
    const local = await stamp({}, { radiusServiceType: "ClusterIP" });
    expect(local.outputs.radiusEndpoint).toBe("10.96.7.7:1812");
  });

  it("needs the platform's Postgres server for the postgres target", () => {
    const spec = TenantSpec.parse(base);
    expect(() => new TenantStamp("t", { spec })).toThrow(/needs the platform's Postgres server/);
  });
});
