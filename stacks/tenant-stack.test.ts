import { join } from "node:path";
import { repoRoot } from "@dotmac/devkit";
import {
  type LocalPlatform,
  objectConfig,
  type ScratchProject,
  scratchProject,
  startLocalPlatform,
  uniqueSuffix,
} from "@dotmac/devkit/testing";
import * as k8s from "@kubernetes/client-node";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * A tenant stack for real: this repository's program, the real engine and providers, the local
 * control plane and the embedded Postgres server as the `postgres` database target.
 */
describe("tenant stack on the local platform", () => {
  let platform: LocalPlatform;
  let project: ScratchProject;
  let pg: { url: string; port: number };
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let autoscaling: k8s.AutoscalingV2Api;
  let networking: k8s.NetworkingV1Api;
  const slug = `isp-${uniqueSuffix()}`;
  const stack = `tenant-${slug}`;
  const ns = `tenant-${slug}`;
  const dbName = `tenant_${slug.replaceAll("-", "_")}`;

  const pulumi = (...args: string[]) => project.pulumi(...args);
  const failure = (...args: string[]) => project.failure(...args);
  const setTenant = (t: Record<string, unknown>) =>
    pulumi("config", "set-all", "-s", stack, "--json", objectConfig("dotmac:tenant", t));
  const tenant = {
    slug,
    tenantId: "2f6b9c1e-4d3a-4b8e-9c7d-1a2b3c4d5e6f",
    displayName: "Integration Fibre",
    plan: "starter",
    seats: 5,
    nasCidrs: ["192.0.2.0/24"],
  };

  beforeAll(async () => {
    platform = await startLocalPlatform({ postgres: true });
    if (!platform.postgres) throw new Error("no Postgres");
    pg = platform.postgres;
    project = await scratchProject(platform, { prefix: "tenant-stack" });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(platform.cluster.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    autoscaling = kc.makeApiClient(k8s.AutoscalingV2Api);
    networking = kc.makeApiClient(k8s.NetworkingV1Api);
    await pulumi("stack", "init", stack, "--secrets-provider", "passphrase");
    await pulumi("config", "set", "-s", stack, "--secret", "postgresAdminUrl", pg.url);
    await pulumi("config", "set", "-s", stack, "radiusServiceType", "ClusterIP");
  }, 90 * 60_000);

  afterAll(async () => {
    await project?.remove();
    await platform?.stop();
  });

  it("refuses a bad spec before creating anything, naming each bad field", async () => {
    await setTenant({ ...tenant, slug: "Bad_Slug", seats: 0, plan: "gold" });
    const message = await failure("up", "--yes", "--skip-preview", "-s", stack);
    expect(message).toMatch(/invalid tenant spec in dotmac:tenant/);
    expect(message).toMatch(/- slug: /);
    expect(message).toMatch(/- plan: /);
    expect(message).toMatch(/- seats: seats must be at least 1/);

    await setTenant({ ...tenant, slug: "someone-else" });
    expect(await failure("up", "--yes", "--skip-preview", "-s", stack)).toMatch(
      /dotmac:tenant.slug is "someone-else"/,
    );

    // The cluster's shape is validated as strictly as the spec.
    await setTenant(tenant);
    await pulumi(
      "config",
      "set-all",
      "-s",
      stack,
      "--json",
      objectConfig("dotmac:placement", { workloads: { radius: { nodeSelector: { "bad key!": "x" } } } }),
    );
    await pulumi("config", "set", "-s", stack, "sizing", "tiny");
    const shape = await failure("up", "--yes", "--skip-preview", "-s", stack);
    expect(shape).toMatch(/placement in dotmac:placement[\s\S]*workloads\.radius\.nodeSelector/);
    await pulumi("config", "rm", "-s", stack, "placement");
    expect(await failure("up", "--yes", "--skip-preview", "-s", stack)).toMatch(/dotmac:sizing/);
    await pulumi("config", "rm", "-s", stack, "sizing");
    await pulumi("config", "set", "-s", stack, "stripeApiUrl", "ftp://stripe.example");
    expect(await failure("up", "--yes", "--skip-preview", "-s", stack)).toMatch(
      /dotmac:stripeApiUrl must be an http\(s\) URL, not ftp:\/\/stripe\.example/,
    );
    await pulumi("config", "rm", "-s", stack, "stripeApiUrl");
    await pulumi("config", "set", "-s", stack, "secretsKeyRotation", "next one!");
    expect(await failure("up", "--yes", "--skip-preview", "-s", stack)).toMatch(
      /dotmac:secretsKeyRotation[\s\S]*does not match/,
    );
    await pulumi("config", "rm", "-s", stack, "secretsKeyRotation");

    const names = (await core.listNamespace()).items.map((n) => n.metadata?.name);
    expect(names).not.toContain(ns);
    // Only the stack itself was registered before the program stopped.
    const state = JSON.parse(await pulumi("stack", "export", "-s", stack)) as {
      deployment: { resources?: { type: string }[] };
    };
    expect((state.deployment.resources ?? []).map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("stamps a tenant, changes its plan in place, suspends it and destroys it", async () => {
    await setTenant(tenant);
    // With the policy pack on, as every deployment runs: the stamp passes every rule.
    const policyPack = join(repoRoot, "components/policy");
    const up = await pulumi("up", "--yes", "-s", stack, "--policy-pack", policyPack);
    expect(up).toMatch(/✅ dotmac@v1\.0\.0/);
    const outputs = JSON.parse(await pulumi("stack", "output", "--json", "-s", stack));
    expect(outputs).toMatchObject({
      namespace: ns,
      databaseName: dbName,
      connectionSecretName: "tenant-db",
      plan: "starter",
    });
    expect(outputs.radiusEndpoint).toMatch(/^10\.96\.\d+\.\d+:1812$/);

    // The namespace and its guard rails, read back from the API server.
    const namespace = await core.readNamespace({ name: ns });
    expect(namespace.metadata?.labels).toMatchObject({
      "dotmac.io/tenant-slug": slug,
      "dotmac.io/plan-tier": "starter",
      "pod-security.kubernetes.io/enforce": "restricted",
    });
    const uid = namespace.metadata?.uid;
    const quota = await core.readNamespacedResourceQuota({ name: "tenant-quota", namespace: ns });
    expect(quota.spec?.hard).toMatchObject({
      "requests.cpu": "2",
      "limits.cpu": "6",
      "services.nodeports": "0",
    });
    const policies = await networking.listNamespacedNetworkPolicy({ namespace: ns });
    expect(policies.items.map((p) => p.metadata?.name).sort()).toContain("allow-radius");

    // Every workload is Available on the KWOK nodes; the restricted profile admitted every pod.
    const deployments = (await apps.listNamespacedDeployment({ namespace: ns })).items;
    expect(deployments.map((d) => d.metadata?.name).sort()).toEqual([
      "grafana",
      "isp-ops",
      "prometheus",
      "radius",
    ]);
    for (const d of deployments) expect(d.status?.availableReplicas, d.metadata?.name).toBe(d.spec?.replicas);
    expect(
      (await autoscaling.readNamespacedHorizontalPodAutoscaler({ name: "isp-ops", namespace: ns })).spec
        ?.maxReplicas,
    ).toBe(2);

    // The tenant database exists and accepts the generated credentials from the tenant's Secret.
    const secret = await core.readNamespacedSecret({ name: "tenant-db", namespace: ns });
    const url = Buffer.from(secret.data?.DATABASE_URL ?? "", "base64").toString();
    expect(url).toMatch(new RegExp(`^postgres://${dbName}:[^@]+@127\\.0\\.0\\.1:${pg.port}/${dbName}$`));
    const tenantSql = postgres(url, { max: 1 });
    const [me] = await tenantSql<
      { user: string; db: string }[]
    >`select current_user as user, current_database() as db`;
    await tenantSql.end();
    expect(me).toEqual({ user: dbName, db: dbName });
    // Other roles may not connect to it: tenants cannot reach each other's data.
    const admin = postgres(pg.url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create role intruder login password 'intruder'`);
    const intruder = postgres(url.replace(/\/\/[^@]+@/, "//intruder:intruder@"), { max: 1 });
    await expect(intruder`select 1`).rejects.toThrow(/permission denied for database/);
    await intruder.end();
    const connectionLimit = async () =>
      (await admin<{ n: number }[]>`select rolconnlimit as n from pg_roles where rolname = ${dbName}`)[0]?.n;
    expect(await connectionLimit()).toBe(50);

    // Change of plan: the preview replaces nothing, the namespace and database stay the same objects.
    await setTenant({ ...tenant, plan: "professional" });
    const preview = JSON.parse(await pulumi("preview", "--json", "-s", stack)) as {
      steps: { op: string; urn: string }[];
    };
    // Only the isp-ops ConfigMap is made anew (auto-named: its pools follow the plan, and a new
    // ConfigMap is how a changed environment rolls out).
    const replaced = preview.steps.filter((s) => /replace/.test(s.op)).map((s) => s.urn.split("::").at(-1));
    expect(replaced).toEqual([`${slug}-isp-ops-config`]);
    const stepFor = (suffix: string) => preview.steps.find((s) => s.urn.endsWith(suffix))?.op;
    expect(stepFor(`::${slug}-namespace`)).toBe("update");
    // Unchanged resources do not appear in the preview at all; the database is one of them. Its
    // role's connection limit follows the plan, in place.
    expect(preview.steps.filter((s) => s.urn.includes("PostgresDatabase"))).toEqual([]);
    expect(stepFor(`::${slug}-db-connection-limit`)).toBe("update");
    const oid = async () =>
      (await admin<{ oid: number }[]>`select oid::int from pg_database where datname = ${dbName}`)[0]?.oid;
    const before = await oid();
    await pulumi("up", "--yes", "-s", stack, "--policy-pack", policyPack);
    expect(await oid()).toBe(before);
    expect((await core.readNamespace({ name: ns })).metadata?.uid).toBe(uid);
    expect(
      (await core.readNamespacedResourceQuota({ name: "tenant-quota", namespace: ns })).spec?.hard?.[
        "requests.cpu"
      ],
    ).toBe("8");
    expect(
      (await autoscaling.readNamespacedHorizontalPodAutoscaler({ name: "isp-ops", namespace: ns })).spec
        ?.maxReplicas,
    ).toBe(5);
    const genieacs = await apps.readNamespacedDeployment({ name: "genieacs", namespace: ns });
    expect(genieacs.status?.availableReplicas).toBe(1);
    const afterSql = postgres(url, { max: 1 });
    await afterSql`select 1`;
    await afterSql.end();
    expect(await connectionLimit()).toBe(100);

    // A key rotation: a new key, the old one kept to open what it sealed, and the pods rolled.
    const keyring = async () => {
      const data = (await core.readNamespacedSecret({ name: "tenant-secrets", namespace: ns })).data ?? {};
      const read = (k: string) => Buffer.from(data[k] ?? "", "base64").toString();
      return { current: read("TENANT_SECRETS_KEY"), previous: read("TENANT_SECRETS_PREVIOUS_KEYS") };
    };
    const first = await keyring();
    expect(first.current).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first.previous).toBe("");
    await pulumi("config", "set", "-s", stack, "secretsKeyRotation", "2");
    await pulumi("up", "--yes", "--skip-preview", "-s", stack);
    const second = await keyring();
    expect(second.current).not.toBe(first.current);
    expect(second.previous).toBe(first.current);
    for (const name of ["isp-ops", "radius"]) {
      const d = await apps.readNamespacedDeployment({ name, namespace: ns });
      expect(d.spec?.template.metadata?.annotations?.["dotmac.io/secrets-key-rotation"], name).toBe("2");
    }
    expect(await oid()).toBe(before);

    // Suspension scales every workload to zero and removes the autoscaler.
    await pulumi("config", "set", "-s", stack, "suspended", "true");
    await pulumi("up", "--yes", "--skip-preview", "-s", stack);
    for (const d of (await apps.listNamespacedDeployment({ namespace: ns })).items)
      expect(d.spec?.replicas, d.metadata?.name).toBe(0);
    expect((await autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: ns })).items).toHaveLength(
      0,
    );

    // Destroy: the namespace is gone and the database and its role are dropped.
    await pulumi("destroy", "--yes", "--skip-preview", "-s", stack);
    expect((await core.listNamespace()).items.map((n) => n.metadata?.name)).not.toContain(ns);
    expect(await admin`select 1 from pg_database where datname = ${dbName}`).toHaveLength(0);
    expect(await admin`select 1 from pg_roles where rolname = ${dbName}`).toHaveLength(0);
    await admin.end();
  });
});
