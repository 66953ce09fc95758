// Long file: every part of the stamp checked on the mocked engine for each plan tier; the cases share the tier table and mocks.
import { type PlanTier, TenantSpec, type TenantSpecInput, tiers } from "@dotmac/contracts";
import { IspOpsProcessEnv, IspOpsTenantEnv, RadiusEnv } from "@dotmac/contracts/app-env";
import { beforeEach, describe, expect, it } from "vitest";
import { tenantManagerRules } from "../platform/automation-api-rbac.ts";
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
} from "../test-support/mock-engine.ts";
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
        expect(one("pulumi-nodejs:dynamic/dotmac:RoleConnectionLimit").inputs.connectionLimit).toBe(
          tier.database.connectionLimit,
        );
        // The pools the limit was sized for are the ones the pods open.
        const ispOpsConfig = of("kubernetes:core/v1:ConfigMap").find((c) => c.inputs.data?.TENANT_SLUG);
        expect(ispOpsConfig?.inputs.data.DATABASE_POOL_SIZE).toBe(String(tier.database.pools.ispOps));
        const radius = of("kubernetes:apps/v1:Deployment").find((d) => d.inputs.metadata.name === "radius");
        expect(radius?.inputs.spec.template.spec.containers[0].env).toContainEqual({
          name: "DATABASE_POOL_SIZE",
          value: String(tier.database.pools.radius),
        });
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
  it("denies everything, then opens each part to exactly the peers and ports it needs", async () => {
    const { of } = await stamp({ plan: "enterprise", seats: 20 });
    const policies = Object.fromEntries(
      of("kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) => [p.inputs.metadata.name, p.inputs.spec]),
    );
    expect(policies["default-deny"]).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const ingressNs = {
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } },
    };
    const pods = (app: string) => ({ podSelector: { matchLabels: { "app.kubernetes.io/name": app } } });
    const tcp = (port: number) => ({ protocol: "TCP", port });
    // Who may reach each part, on which ports.
    const ingress = (part: string) => policies[`allow-${part}`].ingress;
    expect(ingress("isp-ops")).toEqual([
      { from: [ingressNs], ports: [tcp(3000)] },
      { from: [pods("prometheus")], ports: [tcp(9464)] },
    ]);
    expect(ingress("radius")).toEqual([
      {
        from: [{ ipBlock: { cidr: "100.64.10.0/24" } }],
        ports: [
          { protocol: "UDP", port: 1812 },
          { protocol: "UDP", port: 1813 },
        ],
      },
      { from: [pods("isp-ops"), pods("isp-ops-billing")], ports: [tcp(9813)] },
      { from: [pods("prometheus")], ports: [tcp(9812)] },
    ]);
    expect(ingress("genieacs")).toEqual([{ from: [pods("isp-ops")], ports: [tcp(7557)] }]);
    expect(ingress("mongodb")).toEqual([{ from: [pods("genieacs")], ports: [tcp(27017)] }]);
    expect(ingress("prometheus")).toEqual([{ from: [pods("grafana")], ports: [tcp(9090)] }]);
    expect(ingress("grafana")).toEqual([{ from: [ingressNs], ports: [tcp(3000)] }]);
    // HTTPS out for isp-ops alone (gateways).
    const egressPorts = (part: string) =>
      (policies[`allow-${part}`].egress ?? []).flatMap((r: { ports: { port: number }[] }) =>
        r.ports.map((p) => p.port),
      );
    expect(egressPorts("isp-ops")).toEqual([5432, 9813, 7557, 443]);
    expect(egressPorts("radius")).toEqual([5432, 3799]);
    // The billing run reaches its database and RADIUS control (dunning) and nothing else; nothing reaches it.
    expect(egressPorts("isp-ops-billing")).toEqual([5432, 9813]);
    expect(policies["allow-isp-ops-billing"].policyTypes).toEqual(["Egress"]);
    expect(egressPorts("genieacs")).toEqual([27017]);
    expect(egressPorts("mongodb")).toEqual([]);
    expect(egressPorts("grafana")).toEqual([9090]);
    expect(egressPorts("prometheus")).toEqual([9464, 9812]);
    // The database rule follows the server's real port (a pooler on 6432, say).
    resetMocks();
    const pooled = await stamp({}, { postgres: { adminUrl: "postgres://admin:pw@10.0.0.5:6432/postgres" } });
    const pooledIspOps = pooled
      .of("kubernetes:networking.k8s.io/v1:NetworkPolicy")
      .find((p) => p.inputs.metadata.name === "allow-isp-ops");
    expect(pooledIspOps?.inputs.spec.egress[0].ports).toEqual([{ protocol: "TCP", port: 6432 }]);
    // Nothing in the platform namespace reaches a tenant pod; no selector uses the seed's
    // `name:` label, which no namespace has.
    expect(JSON.stringify(policies)).not.toMatch(/platform-admin/);
    expect(JSON.stringify(policies)).not.toMatch(/"name":"(platform-admin|tenant-)/);
  });

  it("runs MongoDB with authentication, its password known to GenieACS alone", async () => {
    const { one } = await stamp({ plan: "enterprise", seats: 20 });
    const mongo = one("kubernetes:apps/v1:StatefulSet", "mongodb").inputs.spec.template.spec.containers[0];
    expect(mongo.args).toContain("--auth");
    const rootSecret = one("kubernetes:core/v1:Secret", "mongodb");
    expect(mongo.envFrom).toEqual([{ secretRef: { name: rootSecret.inputs.metadata.name } }]);
    // Secret outputs arrive wrapped ({ <sig>, value }).
    const data = (r: Registered) => r.inputs.stringData.value ?? r.inputs.stringData;
    expect(Object.keys(data(rootSecret)).sort()).toEqual([
      "MONGO_INITDB_ROOT_PASSWORD",
      "MONGO_INITDB_ROOT_USERNAME",
    ]);
    const url = data(one("kubernetes:core/v1:Secret", "genieacs")).GENIEACS_MONGODB_CONNECTION_URL;
    expect(url).toMatch(
      /^mongodb:\/\/genieacs:[^@]+@mongodb\.tenant-fast-fiber\.svc:27017\/genieacs\?authSource=admin$/,
    );
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

  it("creates nothing the automation API's tenant-manager role may not write (or it could not run this stack)", async () => {
    await stamp({ plan: "enterprise", seats: 20 });
    const kinds = new Set(
      registered
        .map((r) => r.type)
        .filter((t) => t.startsWith("kubernetes:") && t !== "kubernetes:core/v1:Namespace"),
    );
    expect(kinds.size).toBeGreaterThan(10);
    const plural = (kind: string) => `${kind.toLowerCase().replace(/y$/, "ie").replace(/(s)$/, "$1e")}s`;
    for (const type of kinds) {
      const [, groupVersion = "", kind = ""] = type.split(":");
      const group = groupVersion.includes("/") ? (groupVersion.split("/")[0] ?? "") : "";
      const apiGroup = group === "core" ? "" : group;
      const allowed = tenantManagerRules.some(
        (r) =>
          r.apiGroups.includes(apiGroup) && r.resources.includes(plural(kind)) && r.verbs.includes("create"),
      );
      expect(allowed, `${type}: ${apiGroup}/${plural(kind)}`).toBe(true);
    }
  });

  it("bills every day with a hardened CronJob of the isp-ops image, never two runs at once", async () => {
    const { one } = await stamp({ plan: "professional", seats: 20 });
    const cron = one("kubernetes:batch/v1:CronJob", "isp-ops-billing").inputs;
    expect(cron.spec).toMatchObject({
      schedule: "15 2 * * *",
      timeZone: "Etc/UTC",
      concurrencyPolicy: "Forbid",
      suspend: false,
    });
    const pod = cron.spec.jobTemplate.spec.template.spec;
    const deployment = one("kubernetes:apps/v1:Deployment", "isp-ops").inputs.spec.template.spec;
    const [container] = pod.containers;
    expect(container).toMatchObject({
      image: deployment.containers[0].image,
      args: ["billing-run"],
      securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
    });
    expect(pod).toMatchObject({ restartPolicy: "Never", automountServiceAccountToken: false });
    // Its own label: the isp-ops Service must not send requests to a billing pod.
    expect(cron.spec.jobTemplate.spec.template.metadata.labels["app.kubernetes.io/name"]).toBe(
      "isp-ops-billing",
    );
    expect(
      container.env.map((e: { name: string; valueFrom?: unknown }) => [e.name, e.valueFrom !== undefined]),
    ).toEqual([
      ["DATABASE_URL", true],
      ["TENANT_SECRETS_KEY", true],
      ["TENANT_SECRETS_PREVIOUS_KEYS", true],
    ]);
    // The rest (RADIUS_CONTROL_URL among it) from the isp-ops ConfigMap, which holds no secret.
    expect(container.envFrom).toEqual(deployment.containers[0].envFrom);
    expect(container.envFrom).toHaveLength(1);
    resetMocks();
    const suspended = await stamp({}, { suspended: true });
    expect(suspended.one("kubernetes:batch/v1:CronJob", "isp-ops-billing").inputs.spec.suspend).toBe(true);
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
      TENANT_SLUG: "fast-fiber",
      // Links in mail and Stripe's return go to the tenant's own first host, not a custom domain.
      TENANT_PUBLIC_URL: "https://fast-fiber.isp.dotmac.io",
      NEXT_PUBLIC_TENANT_NAME: "Fast Fiber",
      NEXT_PUBLIC_PRIMARY_COLOR: "#112233",
      NEXT_PUBLIC_TENANT_LOGO_URL: "https://cdn.fastfiber.example/logo.png",
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
    // Grafana on a host of its own: a script in a dashboard cannot reach the staff API as staff.
    expect(outputs.grafanaUrl).toBe("https://grafana.fast-fiber.isp.dotmac.io/");
    const grafana = one("kubernetes:networking.k8s.io/v1:Ingress", "grafana");
    expect(grafana.inputs.spec.rules.map((r: any) => r.host)).toEqual(["grafana.fast-fiber.isp.dotmac.io"]);
    expect(grafana.inputs.spec.tls).toEqual([
      { hosts: ["grafana.fast-fiber.isp.dotmac.io"], secretName: "fast-fiber-grafana-tls" },
    ]);
    const grafanaEnv = containerEnv(
      one("kubernetes:apps/v1:Deployment", "grafana").inputs.spec.template.spec.containers[0],
    );
    expect(grafanaEnv).toMatchObject({
      GF_SERVER_ROOT_URL: "https://grafana.fast-fiber.isp.dotmac.io/",
      GF_SECURITY_COOKIE_SAMESITE: "strict",
    });
    expect(grafanaEnv).not.toHaveProperty("GF_SERVER_SERVE_FROM_SUB_PATH");
  });

  it("links to the public address it is given, and reports it as the app's URL", async () => {
    const { of, outputs } = await stamp({}, { publicUrl: "http://fast-fiber.localhost:3000" });
    const [config] = of("kubernetes:core/v1:ConfigMap").filter((c) => c.inputs.data?.TENANT_SLUG);
    expect(config?.inputs.data.TENANT_PUBLIC_URL).toBe("http://fast-fiber.localhost:3000");
    expect(outputs.appUrl).toBe("http://fast-fiber.localhost:3000");
  });

  it("gives isp-ops and RADIUS exactly the environment their own schemas read", async () => {
    const { one } = await stamp(
      { plan: "enterprise", seats: 100 },
      { platformApi: { url: "http://automation-api.dotmac-platform.svc:8080", credential: "dmt_abc" } },
    );
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

  it("hands isp-ops the platform's URL and the tenant's credential, the credential only as a secret", async () => {
    const { one, of } = await stamp(
      { plan: "starter", seats: 3 },
      { platformApi: { url: "http://automation-api.dotmac-platform.svc:8080", credential: "dmt_abc" } },
    );
    const secret = one("kubernetes:core/v1:Secret", "platform-credential");
    // The whole stringData reaches the engine as a secret.
    expect(secret.inputs.stringData).toEqual({
      [SECRET_SIG]: SECRET_VALUE,
      value: { PLATFORM_API_TOKEN: "dmt_abc" },
    });
    const [config] = of("kubernetes:core/v1:ConfigMap").filter((c) => c.inputs.data?.TENANT_SLUG);
    expect(config?.inputs.data.PLATFORM_API_URL).toBe("http://automation-api.dotmac-platform.svc:8080");
    expect(JSON.stringify(config?.inputs.data)).not.toContain("dmt_");
    const env = one("kubernetes:apps/v1:Deployment", "isp-ops").inputs.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({
      name: "PLATFORM_API_TOKEN",
      valueFrom: { secretKeyRef: { name: "platform-credential", key: "PLATFORM_API_TOKEN" } },
    });
    const egress = one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "allow-isp-ops").inputs.spec.egress;
    expect(egress).toContainEqual({
      to: [
        {
          namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "dotmac-platform" } },
          podSelector: { matchLabels: { "app.kubernetes.io/name": "automation-api" } },
        },
      ],
      ports: [{ protocol: "TCP", port: 8080 }],
    });
    // Without a platform API, no credential exists anywhere in the tenant.
    resetMocks();
    const without = await stamp({ plan: "starter", seats: 3 });
    expect(without.of("kubernetes:core/v1:Secret").map((s) => s.inputs.metadata.name)).not.toContain(
      "platform-credential",
    );
  });

  it("mails through the tenant's relay: its URL only as a secret, the sender in config, its port opened", async () => {
    const { one, of } = await stamp(
      { plan: "starter", seats: 3 },
      {
        mail: {
          smtpUrl: "smtp://relay:pw@smtp.example.net:2525",
          smtpPort: 2525,
          from: "Fibre <billing@fibre.example>",
        },
      },
    );
    expect(one("kubernetes:core/v1:Secret", "isp-ops-smtp").inputs.stringData).toEqual({
      [SECRET_SIG]: SECRET_VALUE,
      value: { SMTP_URL: "smtp://relay:pw@smtp.example.net:2525" },
    });
    const [config] = of("kubernetes:core/v1:ConfigMap").filter((c) => c.inputs.data?.TENANT_SLUG);
    expect(config?.inputs.data.MAIL_FROM).toBe("Fibre <billing@fibre.example>");
    expect(JSON.stringify(config?.inputs.data)).not.toContain("relay:pw");
    const smtpEnv = {
      name: "SMTP_URL",
      valueFrom: { secretKeyRef: { name: "isp-ops-smtp", key: "SMTP_URL" } },
    };
    expect(
      one("kubernetes:apps/v1:Deployment", "isp-ops").inputs.spec.template.spec.containers[0].env,
    ).toContainEqual(smtpEnv);
    const billing = one("kubernetes:batch/v1:CronJob", "isp-ops-billing").inputs.spec.jobTemplate.spec
      .template.spec;
    expect(billing.containers[0].env).toContainEqual(smtpEnv);
    for (const part of ["allow-isp-ops", "allow-isp-ops-billing"]) {
      const egress = one("kubernetes:networking.k8s.io/v1:NetworkPolicy", part).inputs.spec.egress;
      expect(egress, part).toContainEqual({
        to: [{ ipBlock: { cidr: "0.0.0.0/0" } }, { ipBlock: { cidr: "::/0" } }],
        ports: [{ protocol: "TCP", port: 2525 }],
      });
    }
    // Without mail, no relay, no sender, no SMTP port.
    resetMocks();
    const without = await stamp({ plan: "starter", seats: 3 });
    expect(without.of("kubernetes:core/v1:Secret").map((x) => x.inputs.metadata.name)).not.toContain(
      "isp-ops-smtp",
    );
    const billingEgress = without.one(
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "allow-isp-ops-billing",
    ).inputs.spec.egress;
    expect(JSON.stringify(billingEgress)).not.toContain("2525");
  });

  it("gives the web app alone the ISP's Stripe keys, only as a secret", async () => {
    const { one } = await stamp(
      { plan: "starter", seats: 3 },
      { stripe: { secretKey: "sk_live_isp", webhookSecret: "whsec_isp" } },
    );
    expect(one("kubernetes:core/v1:Secret", "isp-ops-stripe").inputs.stringData).toEqual({
      [SECRET_SIG]: SECRET_VALUE,
      value: { STRIPE_SECRET_KEY: "sk_live_isp", STRIPE_WEBHOOK_SECRET: "whsec_isp" },
    });
    const env = one("kubernetes:apps/v1:Deployment", "isp-ops").inputs.spec.template.spec.containers[0].env;
    for (const key of ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"])
      expect(env).toContainEqual({ name: key, valueFrom: { secretKeyRef: { name: "isp-ops-stripe", key } } });
    const billing = one("kubernetes:batch/v1:CronJob", "isp-ops-billing").inputs.spec.jobTemplate.spec
      .template.spec;
    expect(JSON.stringify(billing)).not.toContain("STRIPE");
    expect(JSON.stringify(env)).not.toContain("STRIPE_API_URL");
  });

  it("sends the web app to another Stripe API when told, and opens its port to isp-ops alone", async () => {
    const { one } = await stamp(
      { plan: "starter", seats: 3 },
      { stripe: { secretKey: "sk_test_isp", webhookSecret: "whsec_isp", apiUrl: "http://10.213.0.1:12111" } },
    );
    const env = one("kubernetes:apps/v1:Deployment", "isp-ops").inputs.spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: "STRIPE_API_URL", value: "http://10.213.0.1:12111" });
    expect(
      one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "allow-isp-ops").inputs.spec.egress,
    ).toContainEqual({
      to: [{ ipBlock: { cidr: "10.213.0.1/32" } }],
      ports: [{ protocol: "TCP", port: 12111 }],
    });
    const billingEgress = one("kubernetes:networking.k8s.io/v1:NetworkPolicy", "allow-isp-ops-billing").inputs
      .spec.egress;
    expect(JSON.stringify(billingEgress)).not.toContain("12111");
  });

  it("places each part where the stack's placement says, and sizes requests by its profile", async () => {
    const real = { nodeSelector: { "dotmac.io/node": "real" } };
    const elsewhere = {
      nodeSelector: { type: "kwok" },
      tolerations: [{ key: "dotmac.io/fake", operator: "Exists" as const, effect: "NoSchedule" as const }],
    };
    const { of } = await stamp(
      { plan: "enterprise", seats: 100 },
      {
        placement: { default: elsewhere, workloads: { ispOps: real, radius: real, prometheus: real } },
        sizing: "compact",
      },
    );
    const pods = [...of("kubernetes:apps/v1:Deployment"), ...of("kubernetes:apps/v1:StatefulSet")].map(
      (w) => [w.inputs.metadata.name as string, w.inputs.spec.template.spec] as const,
    );
    const placed = Object.fromEntries(
      pods.map(([n, p]) => [n, p.nodeSelector?.type ?? p.nodeSelector?.["dotmac.io/node"]]),
    );
    expect(placed).toEqual({
      "isp-ops": "real",
      radius: "real",
      prometheus: "real",
      genieacs: "kwok",
      mongodb: "kwok",
      grafana: "kwok",
    });
    const grafana = pods.find(([n]) => n === "grafana")?.[1];
    expect(grafana.tolerations).toEqual(elsewhere.tolerations);
    expect(pods.find(([n]) => n === "isp-ops")?.[1].tolerations).toBeUndefined();
    // Compact asks a tenth of the CPU and a quarter of the memory; the limits stay the tier's.
    const ispOps = pods.find(([n]) => n === "isp-ops")?.[1].containers[0];
    expect(ispOps.resources).toEqual({
      requests: { cpu: "200m", memory: "1024Mi" },
      limits: tiers.enterprise.ispOps.limits,
    });
  });

  it("places nothing and asks the production figures when the stack says nothing", async () => {
    const { of } = await stamp({ plan: "enterprise", seats: 100 });
    for (const w of [...of("kubernetes:apps/v1:Deployment"), ...of("kubernetes:apps/v1:StatefulSet")]) {
      expect(w.inputs.spec.template.spec.nodeSelector, w.inputs.metadata.name).toBeUndefined();
    }
    const ispOps = of("kubernetes:apps/v1:Deployment").find((d) => d.inputs.metadata.name === "isp-ops");
    expect(ispOps && containersOf(ispOps)[0].resources).toEqual(tiers.enterprise.ispOps);
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
    // The control port (isp-ops asking for disconnects) stays inside the namespace, apart from
    // the metrics port so that a NetworkPolicy can tell isp-ops's calls from Prometheus's scrapes.
    const control = one("kubernetes:core/v1:Service", "radius-control");
    expect(control.inputs.spec).toMatchObject({
      type: "ClusterIP",
      ports: [{ port: 9813, targetPort: "control" }],
    });
    const local = await stamp({}, { radiusServiceType: "ClusterIP" });
    expect(local.outputs.radiusEndpoint).toBe("10.96.7.7:1812");
  });

  it("needs the platform's Postgres server for the postgres target", () => {
    const spec = TenantSpec.parse(base);
    expect(() => new TenantStamp("t", { spec })).toThrow(/needs the platform's Postgres server/);
  });
});
