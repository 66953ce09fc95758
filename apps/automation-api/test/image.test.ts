import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  automationApiClusterRules,
  PlatformStamp,
  pulumiStateUrl,
  tenantManagerRules,
} from "@dotmac/components";
import { containerEnv, record, resetMocks, settled } from "@dotmac/components/testing";
import { PLATFORM_NAMESPACE, PlatformSpec } from "@dotmac/contracts";
import { createThrowawayDatabase, databaseUrl, devkitEnv, type ThrowawayDatabase } from "@dotmac/devkit";
import {
  buildImages,
  containerStore,
  createPodHost,
  HOST_IP,
  hardenedFacts,
  type LocalPlatform,
  offerToPods,
  probeStatus,
  type RunningPod,
  runPod,
  startLocalPlatform,
  waitUntilReady,
} from "@dotmac/devkit/testing";
import * as k8s from "@kubernetes/client-node";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Json = any;
const ADMIN = { email: "admin@image-test.example", password: "an-image-test-password" };
const SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

/** A URL on the local server, as the pod reaches it: through the bridge. */
function viaBridge(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = HOST_IP;
  u.port = String(port);
  return u.toString();
}

/**
 * The automation-api image as the PlatformStamp runs it (postgres target: stack state in the
 * platform database, a generated passphrase): securityContext, environment, volumes, ports and
 * probes from the Deployment the stamp renders under Pulumi mocks. It acts as its own
 * ServiceAccount, with the stamp's cluster role, through the token and the API server address the
 * kubelet would give it; the database URLs are a live system's.
 */
describe("the automation-api image, run as the PlatformStamp runs it", () => {
  let platform: LocalPlatform;
  let database: ThrowawayDatabase;
  let pod: RunningPod;
  let podSpec: any;
  let container: any;
  let base: string;
  let headers: Record<string, string>;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    const env = devkitEnv();
    const store = await containerStore(env);
    platform = await startLocalPlatform({ postgres: true });
    await buildImages(env, { apps: ["automation-api"], toolchain: platform.toolchain });
    const server = platform.postgres?.url ?? "";
    database = await createThrowawayDatabase(server, "platform");
    const pg = new URL(server);
    const pgForward = await offerToPods({ host: pg.hostname, port: Number(pg.port) });
    const api = new URL(platform.cluster.server);
    const apiForward = await offerToPods({ host: api.hostname, port: Number(api.port) });

    // Its identity, with the cluster role the stamp gives it, and the token the kubelet would mount.
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(platform.cluster.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const rbac = kc.makeApiClient(k8s.RbacAuthorizationV1Api);
    await core.createNamespace({ body: { metadata: { name: PLATFORM_NAMESPACE } } }).catch(() => {});
    await core.createNamespacedServiceAccount({
      namespace: PLATFORM_NAMESPACE,
      body: { metadata: { name: "automation-api" } },
    });
    for (const [name, rules] of [
      ["dotmac-automation-api", automationApiClusterRules],
      ["dotmac-tenant-manager", tenantManagerRules],
    ] as const) {
      await rbac.createClusterRole({ body: { metadata: { name }, rules: rules as k8s.V1PolicyRule[] } });
    }
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: "dotmac-automation-api" },
        roleRef: {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "ClusterRole",
          name: "dotmac-automation-api",
        },
        subjects: [{ kind: "ServiceAccount", name: "automation-api", namespace: PLATFORM_NAMESPACE }],
      },
    });
    const token = await core.createNamespacedServiceAccountToken({
      name: "automation-api",
      namespace: PLATFORM_NAMESPACE,
      body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    const saDir = await mkdtemp(join(tmpdir(), "dotmac-sa-"));
    await chmod(saDir, 0o755);
    await writeFile(join(saDir, "token"), token.status?.token ?? "", { mode: 0o644 });
    await writeFile(join(saDir, "ca.crt"), await readFile(platform.cluster.credentials.caCert), {
      mode: 0o644,
    });
    await writeFile(join(saDir, "namespace"), PLATFORM_NAMESPACE, { mode: 0o644 });

    resetMocks();
    new PlatformStamp(
      "platform",
      {
        spec: PlatformSpec.parse({ baseDomain: "dotmac.example" }),
        postgres: { adminUrl: server },
        radiusServiceType: "ClusterIP",
      },
      { transformations: [record] },
    );
    const { one } = await settled();
    podSpec = one("kubernetes:apps/v1:Deployment", "automation-api").inputs.spec.template.spec;
    container = podSpec.containers[0];
    const platformDb = viaBridge(database.url, pgForward.port);
    const host = await createPodHost("api");
    pod = await runPod(store, {
      image: container.image,
      pod: podSpec,
      container,
      env: {
        ...containerEnv(container, {
          DATABASE_URL: platformDb,
          PULUMI_BACKEND_URL: pulumiStateUrl(platformDb),
          DOTMAC_TENANT_POSTGRES_URL: viaBridge(databaseUrl(server, "postgres"), pgForward.port),
        }),
        // What the kubelet adds for the `kubernetes` Service.
        KUBERNETES_SERVICE_HOST: HOST_IP,
        KUBERNETES_SERVICE_PORT: String(apiForward.port),
      },
      host,
      binds: [{ source: saDir, destination: SERVICE_ACCOUNT }],
    });
    base = `http://${pod.ip}:${container.ports[0].containerPort}/api/platform/v1`;
    stop = async () => {
      await pod?.remove();
      await host.remove();
      await pgForward.close();
      await apiForward.close();
      await rm(saDir, { recursive: true, force: true });
      await database.drop().catch(() => {});
      await platform.stop();
    };
  }, 1_800_000);
  afterAll(async () => stop?.());

  const call = async (path: string, init: RequestInit & { json?: unknown } = {}): Promise<Json> => {
    const { json, ...rest } = init;
    const res = await fetch(`${base}${path}`, {
      signal: AbortSignal.timeout(15_000),
      ...rest,
      headers: { ...headers, "content-type": "application/json", accept: "application/json" },
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    });
    const text = await res.text();
    return { http: res.status, ...(text ? JSON.parse(text) : {}) };
  };
  const settle = async (operationId: string): Promise<Json> => {
    const deadline = Date.now() + 240_000;
    while (Date.now() < deadline) {
      const op = await call(`/operations/${operationId}`);
      if (["succeeded", "failed", "cancelled"].includes(op.status)) return op;
      await new Promise((r) => setTimeout(r, 500));
    }
    const events = await call(`/operations/${operationId}/events`);
    throw new Error(
      `operation ${operationId} did not finish:\n${JSON.stringify(events).slice(-6000)}\n${await pod.logs()}`,
    );
  };

  it("becomes ready on its probes' paths and ports", async () => {
    await waitUntilReady(pod, container);
    expect(await probeStatus(pod, container, "livenessProbe")).toBe(200);
    // The reference page's files come from the image (swagger-ui-dist, through @dotmac/http).
    const bundle = await fetch(`${base.replace(/\/api\/platform\/v1$/, "")}/reference/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
  });

  it("runs as the stamp's non-root user, read-only, with no capabilities, under seccomp", async () => {
    expect(await pod.facts()).toEqual(hardenedFacts(podSpec, container));
  });

  it("creates its first admin the way an operator would, inside the container", async () => {
    const out = await pod.exec(
      ["node", "/app/apps/automation-api/bin/dotmac-api.js", "create-admin", ADMIN.email],
      { DOTMAC_ADMIN_PASSWORD: ADMIN.password },
    );
    expect(out).toContain(`admin ${ADMIN.email} created`);
    const login = await fetch(`${base}/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ADMIN),
    });
    expect(login.status).toBe(200);
    headers = { cookie: (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "" };
  });

  it("runs a real pulumi preview of a tenant stack from inside the container", async () => {
    // The API waits up to 120 s for the preview (a Pulumi run in the container): so does the call.
    const res = await call("/tenants/preview?wait=true", {
      method: "POST",
      signal: AbortSignal.timeout(125_000),
      json: { slug: "image-preview", displayName: "Image Preview", plan: "starter", seats: 2 },
    });
    expect(res.http, JSON.stringify(res)).toBe(200);
    expect(res.result.steps.map((s: Json) => s.type)).toEqual(
      expect.arrayContaining([
        "kubernetes:core/v1:Namespace",
        "kubernetes:apps/v1:Deployment",
        "dotmac:tenant:TenantStamp",
      ]),
    );
  }, 150_000);

  it("onboards a tenant as its own ServiceAccount, its stack state in the platform database", async () => {
    const accepted = await call("/tenants", {
      method: "POST",
      json: { slug: "image-onboard", displayName: "Image Onboard", plan: "starter", seats: 2 },
    });
    expect(accepted.http, JSON.stringify(accepted)).toBe(202);
    const op = await settle(accepted.operationId);
    const events = await call(`/operations/${accepted.operationId}/events`);
    expect(op.status, `${JSON.stringify(op)}\n${JSON.stringify(events).slice(-4000)}`).toBe("succeeded");
    const sql = postgres(database.url, { max: 1, onnotice: () => {} });
    try {
      const rows = await sql`select key from pulumi_state where key like ${"%tenant-image-onboard%"}`;
      expect(rows.length).toBeGreaterThan(0);
    } finally {
      await sql.end();
    }
    // The run's plugins are gone, and none was left a zombie.
    const processes = await pod.processes();
    expect(
      processes.filter((p) => p.state === "Z"),
      JSON.stringify(processes),
    ).toEqual([]);
    expect(processes.map((p) => p.command).join(" ")).not.toMatch(/pulumi/);
  }, 360_000);

  it("ends cleanly on SIGTERM within the grace period", async () => {
    const { exitCode, seconds } = await pod.terminate();
    expect(exitCode, await pod.logs()).toBe(0);
    expect(seconds).toBeLessThan(30);
  });
});
