import { join } from "node:path";
import { PLATFORM_NAMESPACE } from "@dotmac/contracts";
import { repoRoot, run } from "@dotmac/devkit";
import {
  type AuditEvent,
  hostClient,
  type LocalPlatform,
  objectConfig,
  readAuditLog,
  type ScratchProject,
  scratchProject,
  startLocalPlatform,
  uniqueSuffix,
  waitFor,
} from "@dotmac/devkit/testing";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ADMIN_HOST = "admin.dotmac.localhost";
const API_USER = `system:serviceaccount:${PLATFORM_NAMESPACE}:automation-api`;
const WRITES = new Set(["create", "update", "patch", "delete", "deletecollection"]);

/**
 * The control plane as production runs it, on the real node: `pulumi up` of the platform stack
 * starts the automation API and the admin app from their images; the first admin is made inside
 * the API's pod; a tenant is onboarded through the admin app, whose proxy reaches the API by its
 * Service name; the API's engine runs the tenant's stack in its pod with nothing but the token the
 * kubelet mounted, and the tenant's pods then run on the real node. The API server's audit log
 * shows what that identity did.
 */
describe("the platform stack on the real node", () => {
  let platform: LocalPlatform;
  let project: ScratchProject;
  let core: k8s.CoreV1Api;
  let admin: ReturnType<typeof hostClient>;
  const slug = `rp-${uniqueSuffix()}`;
  const json = async (method: string, path: string, body?: unknown) => {
    const res = await admin(method, `/api/platform/v1${path}`, body);
    return { status: res.status, body: res.text ? JSON.parse(res.text) : undefined };
  };

  /** The pods of one app: each on the real node, Running and Ready. */
  const readyOnRealNode = (namespace: string, app: string) =>
    waitFor(
      `${app} in ${namespace} Ready on the real node`,
      async () => {
        const pods = (
          await core.listNamespacedPod({ namespace, labelSelector: `app.kubernetes.io/name=${app}` })
        ).items;
        const ready = pods.filter(
          (p) =>
            p.spec?.nodeName === "dotmac-node" &&
            p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
        );
        return ready.length > 0 && ready.length === pods.length ? ready : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 1_000 },
    );

  /** Waits for an operation the API queued, through the admin app as the browser does. */
  const settle = async (operationId: string) =>
    waitFor(
      `operation ${operationId} to finish`,
      async () => {
        const op = await json("GET", `/operations/${operationId}`);
        return ["succeeded", "failed", "cancelled"].includes(op.body?.status) ? op.body : undefined;
      },
      { timeoutMs: 480_000, intervalMs: 1_000 },
    );

  beforeAll(async () => {
    platform = await startLocalPlatform({ postgres: true, realNode: true });
    project = await scratchProject(platform, { prefix: "real-platform" });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(platform.cluster.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
  }, 30 * 60_000);

  afterAll(async () => {
    await project?.pulumi("destroy", "--yes", "--skip-preview", "-s", "platform").catch(() => "");
    await project?.remove();
    await platform?.stop();
  });

  it(
    "runs the automation API and the admin app as pods on the real node, Ready by their probes",
    async () => {
      const pg = platform.postgres;
      const pulumi = (...args: string[]) => project.pulumi(...args);
      await pulumi("stack", "init", "platform", "--secrets-provider", "passphrase");
      await pulumi("config", "set", "--secret", "postgresAdminUrl", pg?.url ?? "");
      await pulumi("config", "set", "postgresAppHost", pg?.podHost ?? "");
      await pulumi("config", "set", "radiusServiceType", "ClusterIP");
      await pulumi("config", "set", "sizing", "compact");
      for (const [key, value] of [
        ["dotmac:platform", { baseDomain: "dotmac.localhost", automationApiReplicas: 1 }],
        ["dotmac:placement", platform.cluster.placement],
      ] as const) {
        await pulumi("config", "set-all", "--json", objectConfig(key, value));
      }
      await pulumi("up", "--yes", "--skip-preview", "--policy-pack", join(repoRoot, "components/policy"));

      await readyOnRealNode(PLATFORM_NAMESPACE, "automation-api");
      // The admin app is Ready only while the API answers it at its Service name.
      await readyOnRealNode(PLATFORM_NAMESPACE, "platform-admin");
      const service = await core.readNamespacedService({
        name: "platform-admin",
        namespace: PLATFORM_NAMESPACE,
      });
      admin = hostClient(3000, ADMIN_HOST, service.spec?.clusterIP ?? "");
      const login = await admin("GET", "/login");
      expect(login.status).toBe(200);
    },
    20 * 60_000,
  );

  it("makes the first admin inside the API's pod, who signs in through the admin app", async () => {
    const kubectl = join(platform.toolchain.kubernetesBinDir, "kubectl");
    const out = await run(kubectl, [
      "--kubeconfig",
      platform.cluster.kubeconfig,
      "exec",
      "-n",
      PLATFORM_NAMESPACE,
      "deploy/automation-api",
      "--",
      "node",
      "/app/apps/automation-api/bin/dotmac-api.js",
      "create-admin",
      "ops@dotmac.localhost",
    ]);
    const password = /password \(shown once\): (\S+)/.exec(out)?.[1];
    expect(password, out).toBeDefined();
    const wrong = await json("POST", "/auth/login", { email: "ops@dotmac.localhost", password: "not-it" });
    expect(wrong.status).toBe(401);
    const login = await json("POST", "/auth/login", { email: "ops@dotmac.localhost", password });
    expect(login.status, JSON.stringify(login.body)).toBe(200);
    expect((await json("GET", "/auth/me")).body).toMatchObject({
      kind: "user",
      name: "ops@dotmac.localhost",
      permissions: ["platform:admin"],
    });
  }, 120_000);

  it(
    "onboards a tenant as the API's own ServiceAccount, its pods then Ready on the real node",
    async () => {
      const accepted = await json("POST", "/tenants", {
        slug,
        displayName: "Real Platform",
        plan: "starter",
        seats: 2,
        nasCidrs: ["10.213.200.0/24"],
      });
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
      const op = await settle(accepted.body.operationId);
      if (op.status !== "succeeded") {
        const events = await json("GET", `/operations/${accepted.body.operationId}/events`);
        throw new Error(`onboarding ${op.status}:\n${JSON.stringify(events.body).slice(-6000)}`);
      }
      const namespace = `tenant-${slug}`;
      await readyOnRealNode(namespace, "isp-ops");
      await readyOnRealNode(namespace, "radius");

      // What the engine did, by the API server's record: its own identity (the token the kubelet
      // mounted), writes only in the tenant's namespace, and nothing the run needed refused. Two
      // refusals are expected and harmless: the preview's server-side dry runs in a namespace that
      // does not exist yet (no rights there until the stack binds them; Pulumi then previews
      // client-side), and listing events cluster-wide (the provider's progress watch), which its
      // role deliberately lacks.
      const events = (await readAuditLog(platform.cluster.auditLog)).filter(
        (e) => e.user.username === API_USER,
      );
      const writes = events.filter((e) => WRITES.has(e.verb));
      expect(writes.length).toBeGreaterThan(10);
      const outside = writes.filter(
        (e) =>
          e.objectRef?.namespace !== namespace &&
          !(e.objectRef?.resource === "namespaces" && e.objectRef.name === namespace),
      );
      expect(outside.map((e) => `${e.verb} ${e.requestURI}`)).toEqual([]);
      const refused = events.filter((e) => e.responseStatus?.code === 403);
      const harmless = (e: AuditEvent) =>
        e.requestURI.includes("dryRun=All") ||
        (["list", "watch"].includes(e.verb) && e.objectRef?.resource === "events" && !e.objectRef.namespace);
      expect(refused.filter((e) => !harmless(e)).map((e) => `${e.verb} ${e.requestURI}`)).toEqual([]);
      // It bound itself the tenant role in the namespace, as the stack does, with its own rights.
      const bound = writes.filter(
        (e) =>
          e.objectRef?.resource === "rolebindings" &&
          !e.requestURI.includes("dryRun") &&
          [200, 201].includes(e.responseStatus?.code ?? 0),
      );
      expect(bound.length).toBeGreaterThan(0);
    },
    15 * 60_000,
  );

  it(
    "deletes the tenant through the admin app: its stack is destroyed and its namespace goes",
    async () => {
      const accepted = await json("DELETE", `/tenants/${slug}?confirm=${slug}`);
      expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
      expect((await settle(accepted.body.operationId)).status).toBe("succeeded");
      await waitFor(
        `namespace tenant-${slug} to go`,
        async () =>
          (await core.readNamespace({ name: `tenant-${slug}` }).then(
            () => false,
            () => true,
          ))
            ? true
            : undefined,
        { timeoutMs: 180_000, intervalMs: 1_000 },
      );
    },
    15 * 60_000,
  );
});
