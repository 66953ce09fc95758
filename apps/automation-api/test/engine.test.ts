// Long file: one real engine, cluster and database started once for every case; splitting would start them again per file.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { containerEnv, freePort, LocalIspOps, LocalRadiusRunner, listDeployments } from "@dotmac/devkit";
import { crashTree, hostClient } from "@dotmac/devkit/testing";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApi } from "../src/server.ts";
import { type LiveEnvironment, readSse, signIn, startLiveEnvironment } from "./live.ts";

const base = "/api/platform/v1";
type Json = any;

async function filesUnder(dir: string, keep: (file: string) => boolean): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.filter(keep).sort();
}

/**
 * The service on the real engine: the Pulumi CLI and our language host run `stacks/` against a
 * local Kubernetes control plane, with tenant databases on the embedded Postgres.
 */
describe("automation API on the real engine", () => {
  let live: LiveEnvironment;
  let api: RunningApi;
  let headers: Record<string, string>;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;
  let networking: k8s.NetworkingV1Api;
  /** What `npm start` runs for each live tenant's RADIUS Deployment. */
  let radius: LocalRadiusRunner;
  let radiusState: string;
  let ispOps: LocalIspOps | undefined;
  const radiusSlugs = async () => {
    await radius.sync();
    return radius.servers.map((r) => r.slug);
  };

  const call = async (path: string, init: RequestInit & { json?: unknown } = {}): Promise<Json> => {
    const { json, ...rest } = init;
    const res = await fetch(`${api.url}${base}${path}`, {
      ...rest,
      headers: { ...headers, ...((init.headers as Record<string, string>) ?? {}) },
      ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    });
    const body = await res.text();
    return { http: res.status, ...(body ? JSON.parse(body) : {}) };
  };
  const settle = async (operationId: string, url = api.url, timeoutMs = 180_000): Promise<Json> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const res = await fetch(`${url}${base}/operations/${operationId}`, { headers });
      const op = (await res.json()) as Json;
      if (["succeeded", "failed", "cancelled"].includes(op.status)) return op;
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`operation ${operationId} did not finish`);
  };
  const replicasOf = async (ns: string) =>
    (await apps.listNamespacedDeployment({ namespace: ns })).items.map((d) => ({
      name: d.metadata?.name,
      replicas: d.spec?.replicas ?? 0,
    }));

  beforeAll(async () => {
    live = await startLiveEnvironment();
    // Tenants' isp-ops are told where the API is (what `npm start` does too).
    const port = await freePort();
    api = await live.startReplica({
      PORT: String(port),
      DOTMAC_PLATFORM_API_URL: `http://127.0.0.1:${port}`,
    });
    headers = await signIn(api.url);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(live.platform.cluster.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
    networking = kc.makeApiClient(k8s.NetworkingV1Api);
    radiusState = await mkdtemp(join(tmpdir(), "dotmac-radius-"));
    radius = new LocalRadiusRunner({ credentials: live.platform.cluster.credentials, stateDir: radiusState });
  });
  afterAll(async () => {
    await ispOps?.stop();
    await radius?.stopAll();
    await live?.stop();
    await rm(radiusState, { recursive: true, force: true });
  });

  it("onboards a tenant: the stream shows each resource, the tenant turns active with its outputs", async () => {
    const accepted = await call("/tenants", {
      method: "POST",
      json: { slug: "fibre-one", displayName: "Fibre One", plan: "starter", seats: 5 },
    });
    expect(accepted.http).toBe(202);
    const events = await readSse(`${api.url}${base}/operations/${accepted.operationId}/events`, headers);
    const data = events.filter((e) => e.event !== "end").map((e) => JSON.parse(e.data));
    expect(data.map((e) => e.seq)).toEqual(data.map((_, i) => i + 1));
    const created = data.filter(
      (e) => e.type === "resource" && e.payload.state === "done" && e.payload.op === "create",
    );
    expect(created.map((e) => e.payload.resourceType)).toEqual(
      expect.arrayContaining([
        "kubernetes:core/v1:Namespace",
        "kubernetes:core/v1:ResourceQuota",
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        "kubernetes:apps/v1:Deployment",
        "dotmac:tenant:TenantStamp",
      ]),
    );
    expect(data.find((e) => e.type === "summary")?.payload.changes.create).toBeGreaterThan(20);
    expect(events.at(-1)).toMatchObject({ event: "end" });
    expect(JSON.parse(events.at(-1)?.data ?? "{}")).toMatchObject({ status: "succeeded" });

    const tenant = await call("/tenants/fibre-one");
    expect(tenant).toMatchObject({
      status: "active",
      outputs: {
        namespace: "tenant-fibre-one",
        appUrl: "https://fibre-one.isp.dotmac.io",
        databaseName: "tenant_fibre_one",
      },
    });
    expect((await core.readNamespace({ name: "tenant-fibre-one" })).metadata?.labels).toMatchObject({
      "dotmac.io/tenant-slug": "fibre-one",
    });
    // The API's DOTMAC_PLACEMENT and DOTMAC_SIZING reached the stack.
    const pod = (await apps.readNamespacedDeployment({ name: "isp-ops", namespace: "tenant-fibre-one" })).spec
      ?.template.spec;
    expect(pod?.nodeSelector).toEqual({ type: "kwok" });
    expect(pod?.containers[0]?.resources?.requests).toEqual({ cpu: "50m", memory: "256Mi" });
    // The stamp's RADIUS Deployment and Secrets are enough to run its server (and it migrates the DB).
    expect(await radiusSlugs()).toEqual(["fibre-one"]);
    const [server] = radius.servers;
    expect((await fetch(`http://127.0.0.1:${server?.metricsPort}/healthz`)).status).toBe(200);

    // A reconnecting client resumes after the last event it saw.
    const resumed = await readSse(`${api.url}${base}/operations/${accepted.operationId}/events`, {
      ...headers,
      "last-event-id": String(data.length - 2),
    });
    expect(resumed.filter((e) => e.id).map((e) => Number(e.id))).toEqual([data.length - 1, data.length]);
  });

  it("opens the tenant's RADIUS to the NAS networks staff add and move in its isp-ops", async () => {
    const [deployment] = await listDeployments(
      live.platform.cluster.credentials,
      "app.kubernetes.io/name=isp-ops",
    );
    if (!deployment) throw new Error("no isp-ops Deployment");
    const env = await containerEnv(live.platform.cluster.credentials, deployment, "isp-ops");
    expect(env?.PLATFORM_API_URL).toBe(api.url);
    expect(env?.PLATFORM_API_TOKEN).toMatch(/^dmt_/);
    const radiusSources = async () => {
      const rules = (
        await networking.readNamespacedNetworkPolicy({ name: "allow-radius", namespace: "tenant-fibre-one" })
      ).spec?.ingress;
      return (rules ?? []).flatMap((r) =>
        (r._from ?? []).flatMap((f) => (f.ipBlock ? [f.ipBlock.cidr] : [])),
      );
    };
    const radiusOpensTo = async (cidrs: string[]) => {
      // The policy changes while the update runs; the operation ends after it.
      const deadline = Date.now() + 180_000;
      const done = async () =>
        JSON.stringify(await radiusSources()) === JSON.stringify(cidrs) &&
        (await call("/tenants/fibre-one")).lastOperation?.status === "succeeded";
      while (!(await done())) {
        if (Date.now() > deadline) throw new Error(`allow-radius is ${await radiusSources()}, not ${cidrs}`);
        await new Promise((r) => setTimeout(r, 500));
      }
      const tenant = await call("/tenants/fibre-one");
      expect(tenant.spec.nasCidrs).toEqual(cidrs);
      expect(tenant.lastOperation).toMatchObject({ kind: "update", status: "succeeded" });
    };
    expect(await radiusSources()).toEqual([]);

    // What `npm start` runs for the tenant's isp-ops: the Deployment's environment, credential included.
    ispOps = new LocalIspOps({ credentials: live.platform.cluster.credentials, stateDir: radiusState });
    await ispOps.start(await freePort());
    await ispOps.sync();
    const [served] = ispOps.served;
    if (!served) throw new Error("isp-ops serves no tenant");
    const staff = hostClient(ispOps.port, "fibre-one.localhost");
    const login = await staff("POST", "/api/v1/auth/login", {
      email: served.adminEmail,
      password: (await readFile(served.adminPasswordFile, "utf8")).trim(),
    });
    expect(login.status, login.text).toBe(200);
    const nas = await staff("POST", "/api/v1/nas", {
      name: "olt-1",
      network: "192.0.2.0/24",
      secret: "olt-1-shared-secret",
    });
    expect(nas.status, nas.text).toBe(201);
    await radiusOpensTo(["192.0.2.0/24"]);

    // Moved: the next report runs on the stack's same credential, which the update kept.
    const moved = await staff("PATCH", `/api/v1/nas/${JSON.parse(nas.text).id}`, {
      network: "198.51.100.0/24",
    });
    expect(moved.status, moved.text).toBe(200);
    await radiusOpensTo(["198.51.100.0/24"]);
    const audit = await call("/audit?tenant=fibre-one");
    expect(
      audit.items.filter((e: Json) => e.action === "tenant.update" && e.actorType === "tenant"),
    ).toHaveLength(2);
  });

  it("previews an onboarding: the resources the stamp would create, and nothing created", async () => {
    const res = await call("/tenants/preview?wait=true", {
      method: "POST",
      json: { slug: "fibre-maybe", displayName: "Fibre Maybe", plan: "professional", seats: 20 },
    });
    expect(res.http, JSON.stringify(res)).toBe(200);
    expect(res.result.steps.every((s: Json) => s.op === "create")).toBe(true);
    expect(res.result.steps.map((s: Json) => s.type)).toEqual(
      expect.arrayContaining([
        "kubernetes:core/v1:Namespace",
        "kubernetes:apps/v1:Deployment",
        "dotmac:tenant:TenantStamp",
      ]),
    );
    expect((await call("/tenants/fibre-maybe")).http).toBe(404);
    const exists = await core.readNamespace({ name: "tenant-fibre-maybe" }).then(
      () => true,
      () => false,
    );
    expect(exists).toBe(false);
  });

  it("runs two operations on one stack one after the other, never colliding", async () => {
    const update = await call("/tenants/fibre-one", {
      method: "PATCH",
      json: { plan: "professional", seats: 50 },
    });
    const suspend = await call("/tenants/fibre-one/suspend", { method: "POST" });
    expect([update.http, suspend.http]).toEqual([202, 202]);
    const [first, second] = [await settle(update.operationId), await settle(suspend.operationId)];
    expect([first.status, second.status]).toEqual(["succeeded", "succeeded"]);
    expect(new Date(second.startedAt).getTime()).toBeGreaterThanOrEqual(new Date(first.finishedAt).getTime());
    expect(first.error ?? "").not.toMatch(/ConcurrentUpdate|locked/);

    const tenant = await call("/tenants/fibre-one");
    expect(tenant).toMatchObject({
      status: "suspended",
      plan: "professional",
      outputs: { suspended: true, plan: "professional" },
    });
    const quota = await core.readNamespacedResourceQuota({
      name: "tenant-quota",
      namespace: "tenant-fibre-one",
    });
    expect(quota.spec?.hard?.pods).toBeDefined();
    const stopped = await replicasOf("tenant-fibre-one");
    expect(stopped.length).toBeGreaterThan(0);
    for (const d of stopped) expect(d).toEqual({ name: d.name, replicas: 0 });
    expect(await radiusSlugs()).toEqual([]);

    const resume = await call("/tenants/fibre-one/resume", { method: "POST" });
    expect((await settle(resume.operationId)).status).toBe("succeeded");
    expect((await call("/tenants/fibre-one")).status).toBe("active");
    for (const d of await replicasOf("tenant-fibre-one")) expect(d.replicas, d.name).toBeGreaterThan(0);
    expect(await radiusSlugs()).toEqual(["fibre-one"]);
  });

  it("previews a change and checks drift without changing anything", async () => {
    // The name staff and subscribers see is in isp-ops's ConfigMap: a new one, and a rollout.
    const preview = await call("/tenants/fibre-one/preview", {
      method: "POST",
      json: { displayName: "Fibre One Ltd" },
    });
    const done = await settle(preview.operationId);
    expect(done.status).toBe("succeeded");
    expect(done.result.steps).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ op: "create-replacement", type: "kubernetes:core/v1:ConfigMap" }),
        expect.objectContaining({ op: "update", type: "kubernetes:apps/v1:Deployment" }),
      ]),
    );
    expect((await call("/tenants/fibre-one")).displayName).toBe("Fibre One");

    // Someone scales isp-ops by hand (within its HPA's 1-5, which would otherwise clamp it); the
    // drift check sees it, and the cluster keeps it.
    await apps.patchNamespacedDeploymentScale(
      { name: "isp-ops", namespace: "tenant-fibre-one", body: { spec: { replicas: 4 } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    const drift = await settle((await call("/tenants/fibre-one/refresh", { method: "POST" })).operationId);
    expect(drift.status).toBe("succeeded");
    expect(drift.result.steps).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: "kubernetes:apps/v1:Deployment" })]),
    );
    const scaled = await apps.readNamespacedDeployment({ name: "isp-ops", namespace: "tenant-fibre-one" });
    expect(scaled.spec?.replicas).toBe(4);
  });

  it("cancels a running onboarding cleanly; a retry then finishes it", async () => {
    const accepted = await call("/tenants", {
      method: "POST",
      json: { slug: "fibre-three", displayName: "Fibre Three", plan: "starter", seats: 2 },
    });
    // Cancel once the engine is creating resources.
    await readSse(
      `${api.url}${base}/operations/${accepted.operationId}/events`,
      headers,
      (e) => e.event === "resource",
    );
    expect((await call(`/operations/${accepted.operationId}/cancel`, { method: "POST" })).http).toBe(202);
    const cancelled = await settle(accepted.operationId);
    expect(cancelled).toMatchObject({ status: "cancelled", error: "cancelled on request" });
    expect((await call("/tenants/fibre-three")).status).toBe("failed");

    const retry = await call(`/operations/${accepted.operationId}/retry`, { method: "POST" });
    expect(retry.http).toBe(202);
    const done = await settle(retry.operationId);
    expect(done.error).toBeNull();
    expect(done.status).toBe("succeeded");
    expect((await call("/tenants/fibre-three")).status).toBe("active");
  });

  it("answers a preview the policy pack refuses with 422 naming the rule, changing nothing", async () => {
    const leaky = { branding: { name: "postgres://ops:hunter2@db.example/isp" } };
    const res = await call("/tenants/fibre-one/preview?wait=true", { method: "POST", json: leaky });
    expect(res.http).toBe(422);
    expect(res.violations).toEqual(
      expect.arrayContaining([expect.objectContaining({ rule: "no-secrets-in-configmaps" })]),
    );
    expect(JSON.stringify(res)).not.toContain("hunter2");
    const ok = await call("/tenants/fibre-one/preview?wait=true", {
      method: "POST",
      json: { displayName: "Fibre One Ltd" },
    });
    expect(ok, JSON.stringify(ok)).toMatchObject({ http: 200, status: "succeeded" });
    expect((await call("/tenants/fibre-one")).spec.branding.name).toBeUndefined();
  });

  it("rolls an image out to the fleet as one parent operation, two tenants at a time", async () => {
    const image = "registry.dotmac.io/dotmac/isp-ops:1.1.0";
    const res = await call("/fleet/rollouts", {
      method: "POST",
      json: { images: { ispOps: image }, parallelism: 2, stopOnFailure: true },
    });
    expect(res.http).toBe(202);
    const parent = await settle(res.operationId, api.url, 300_000);
    expect(parent).toMatchObject({
      kind: "fleet",
      status: "succeeded",
      result: { total: 2, succeeded: 2, failed: 0 },
    });
    expect(parent.result.tenants.map((t: Json) => t.slug).sort()).toEqual(["fibre-one", "fibre-three"]);
    const children = await call(`/operations?parent=${res.operationId}`);
    expect(children.items).toHaveLength(2);
    for (const slug of ["fibre-one", "fibre-three"]) {
      const d = await apps.readNamespacedDeployment({ name: "isp-ops", namespace: `tenant-${slug}` });
      expect(d.spec?.template.spec?.containers[0]?.image).toBe(image);
    }
  });

  // Kill points spread over an onboarding: the first resource the engine starts, the Namespace
  // created (checkpoints are being written), and the first Deployment created (late in the run).
  const killPoints = [
    { slug: "fibre-two", at: "the first resource started", when: (p: Json) => p.state === "started" },
    {
      slug: "fibre-four",
      at: "the Namespace created",
      when: (p: Json) => p.state === "done" && p.resourceType === "kubernetes:core/v1:Namespace",
    },
    {
      slug: "fibre-five",
      at: "the first Deployment created",
      when: (p: Json) => p.state === "done" && p.resourceType === "kubernetes:apps/v1:Deployment",
    },
  ];
  it.each(killPoints)(
    "recovers an onboarding whose replica was killed with SIGKILL at $at",
    async ({ slug, when }) => {
      const port = await freePort();
      // Its own workspaces folder, as on another machine: the survivor has none of its files and
      // must rebuild the stack's workspace from the database and the shared backend.
      const doomed = await live.spawnReplica(port, {
        DOTMAC_LEASE_SECONDS: "6",
        DOTMAC_WORKSPACES_DIR: `${live.env.DOTMAC_WORKSPACES_DIR}-other-machine`,
      });
      const url = `http://127.0.0.1:${port}`;
      // This replica alone takes work: stop ours first so the queue hands the job to the child.
      await api.stop();
      const accepted = (await (
        await fetch(`${url}${base}/tenants`, {
          method: "POST",
          headers,
          body: JSON.stringify({ slug, displayName: `Fibre ${slug}`, plan: "starter", seats: 3 }),
        })
      ).json()) as Json;
      await readSse(`${url}${base}/operations/${accepted.operationId}/events`, headers, (e) => {
        return e.event === "resource" && when(JSON.parse(e.data).payload);
      });
      // The replica dies as its pod would: with its pulumi process and that one's plugins.
      const exited = new Promise((resolve) => doomed.once("exit", resolve));
      await crashTree(doomed.pid ?? -1);
      await exited;

      api = await live.startReplica({ DOTMAC_LEASE_SECONDS: "6" });
      const op = await settle(accepted.operationId);
      expect(op, JSON.stringify(op)).toMatchObject({ status: "succeeded", attempt: 2 });
      const events = (
        await call(`/operations/${accepted.operationId}/events`, { headers: { accept: "application/json" } })
      ).items;
      expect(events.map((e: Json) => e.payload.message ?? "").join("\n")).toMatch(/stopped; retrying/);
      expect((await call(`/tenants/${slug}`)).status).toBe("active");
      // Nothing in the backend is written in place (a sidecar truncated by a kill made the stack
      // unloadable: "failed to load checkpoint: EOF"), and what the cluster holds is what the state says.
      expect(await filesUnder(live.stateDir, (f) => f.endsWith(".attrs"))).toEqual([]);
      const drift = await settle((await call(`/tenants/${slug}/refresh`, { method: "POST" })).operationId);
      expect(drift, JSON.stringify(drift)).toMatchObject({ status: "succeeded", result: { changes: {} } });
    },
  );

  it("deletes: destroy, remove the stack, free the slug", async () => {
    const res = await call("/tenants/fibre-two?confirm=fibre-two", { method: "DELETE" });
    expect((await settle(res.operationId)).status).toBe("succeeded");
    expect((await call("/tenants/fibre-two")).http).toBe(404);
    const gone = await core.readNamespace({ name: "tenant-fibre-two" }).then(
      (ns) => ns.status?.phase === "Terminating",
      () => true,
    );
    expect(gone).toBe(true);
    const audit = await call("/audit?action=tenant.deleted");
    expect(audit.items).toHaveLength(1);
  });
});
