import { dashboards } from "@dotmac/components/tenant";
import { SecretBox } from "@dotmac/crypto/secret-box";
import { databaseUrl, radclient, run } from "@dotmac/devkit";
import {
  configureRealNodeTenant,
  createPodHost,
  type LocalPlatform,
  type PodHost,
  type ScratchProject,
  scratchProject,
  startLocalPlatform,
  uniqueSuffix,
  waitFor,
} from "@dotmac/devkit/testing";
import { createTenantDb } from "@dotmac/tenant-db";
import { migrateTenantDb } from "@dotmac/tenant-db/migrate";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addLocalNas, addPlan, addSubscriber } from "./harness.ts";

const SECRET = "real-node-nas-secret";

/**
 * A tenant stack deployed onto the local cluster's real node: its RADIUS runs from our image as
 * real pods, a NAS host inside the tenant's NAS networks gets answers through the RADIUS Service,
 * and one outside them is dropped by the NetworkPolicy alone (RADIUS knows both NASes).
 */
describe("a tenant's RADIUS on the real node, behind its NetworkPolicy", () => {
  let platform: LocalPlatform;
  let project: ScratchProject;
  let inside: PodHost;
  let outside: PodHost;
  let core: k8s.CoreV1Api;
  let serviceIp: string;
  const slug = `node-${uniqueSuffix()}`;
  const stack = `tenant-${slug}`;
  const ns = `tenant-${slug}`;
  const pulumi = (...args: string[]) => project.pulumi(...args);

  const login = (from: PodHost, password = "node-user-pw") =>
    radclient(
      1812,
      "auth",
      SECRET,
      `User-Name = "node-user"\nUser-Password = "${password}"\nMessage-Authenticator = 0x00`,
      serviceIp,
      from.name,
    );

  beforeAll(async () => {
    platform = await startLocalPlatform({ postgres: true, realNode: true });
    const pg = platform.postgres;
    if (!pg?.podHost) throw new Error("Postgres does not serve pods");
    [inside, outside] = await Promise.all([createPodHost("nas-in"), createPodHost("nas-out")]);
    project = await scratchProject(platform, { prefix: "radius-node" });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(platform.cluster.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);

    await configureRealNodeTenant(platform, project, {
      slug,
      tenantId: crypto.randomUUID(),
      displayName: "Real Node Fibre",
      plan: "starter",
      seats: 5,
      nasCidrs: [`${inside.ip}/32`],
    });
    // The provider waits for every Deployment on the real node to be Ready by its probes.
    await pulumi("up", "--yes", "--skip-preview", "-s", stack).catch(async (error: Error) => {
      // What the pods said, for the reason a rollout never became Ready.
      const said: string[] = [];
      for (const p of (await core.listNamespacedPod({ namespace: ns })).items) {
        for (const previous of [true, false]) {
          const log = await core
            .readNamespacedPodLog({ name: p.metadata?.name ?? "", namespace: ns, previous, tailLines: 15 })
            .catch(() => "");
          if (log) said.push(`--- ${p.metadata?.name}${previous ? " (previous)" : ""}:\n${log}`);
        }
      }
      throw new Error(`${error.message}\n${said.join("\n")}`);
    });

    const secrets = await core.readNamespacedSecret({ name: "tenant-secrets", namespace: ns });
    const key = Buffer.from(secrets.data?.TENANT_SECRETS_KEY ?? "", "base64").toString();
    const box = new SecretBox(Buffer.from(key, "base64"));
    const url = databaseUrl(pg.url, `tenant_${slug.replaceAll("-", "_")}`);
    await migrateTenantDb(url);
    const { db, close } = createTenantDb(url, { max: 1 });
    try {
      // Both NASes are known to RADIUS: only the NetworkPolicy tells them apart.
      await addLocalNas(db, box, SECRET, true, `${inside.ip}/32`);
      await addLocalNas(db, box, SECRET, true, `${outside.ip}/32`);
      await addSubscriber(db, box, { username: "node-user", status: "active", planId: await addPlan(db) });
    } finally {
      await close();
    }
    const service = await core.readNamespacedService({ name: "radius", namespace: ns });
    serviceIp = service.spec?.clusterIP ?? "";
  }, 60 * 60_000);

  afterAll(async () => {
    await project?.pulumi("destroy", "--yes", "--skip-preview", "-s", stack).catch(() => "");
    await project?.remove();
    await Promise.all([inside?.remove(), outside?.remove()]);
    await platform?.stop();
  });

  it("runs the tenant's RADIUS and isp-ops as real pods on the real node, Ready by their probes", async () => {
    const pods = (await core.listNamespacedPod({ namespace: ns })).items;
    const byApp = (app: string) => pods.filter((p) => p.metadata?.labels?.["app.kubernetes.io/name"] === app);
    for (const app of ["radius", "isp-ops", "prometheus"]) {
      const running = byApp(app);
      expect(running.length, app).toBeGreaterThan(0);
      for (const p of running) {
        expect(p.spec?.nodeName, app).toBe("dotmac-node");
        expect(p.status?.conditions?.find((c) => c.type === "Ready")?.status, app).toBe("True");
        expect(p.status?.containerStatuses?.[0]?.started, app).toBe(true);
      }
    }
    // What has no image here stays on KWOK's nodes.
    expect(byApp("grafana")[0]?.spec?.nodeName).toMatch(/^kwok-node-/);
  });

  it("answers a NAS inside the tenant's NAS networks through the RADIUS Service", async () => {
    expect(await login(inside)).toMatch(/Received Access-Accept/);
    expect(await login(inside, "wrong-password")).toMatch(/Received Access-Reject/);
  });

  it("fills every dashboard panel: each panel's PromQL has series in the tenant's own Prometheus", async () => {
    // Traffic for each panel: logins (done above), accounting, and a packet RADIUS drops.
    await radclient(
      1813,
      "acct",
      SECRET,
      'User-Name = "node-user"\nAcct-Status-Type = Start\nAcct-Session-Id = "node-1"',
      serviceIp,
      inside.name,
    );
    await radclient(
      1812,
      "auth",
      "not-the-secret",
      'User-Name = "node-user"\nUser-Password = "x"\nMessage-Authenticator = 0x00',
      serviceIp,
      inside.name,
    );
    const prometheus = (
      await core.listNamespacedPod({ namespace: ns, labelSelector: "app.kubernetes.io/name=prometheus" })
    ).items[0]?.status?.podIP;
    const queries = Object.entries(dashboards).flatMap(([file, json]) =>
      (JSON.parse(json) as { panels: { title: string; targets: { expr: string }[] }[] }).panels.flatMap((p) =>
        p.targets.map((t) => ({ panel: `${file}: ${p.title}`, expr: t.expr })),
      ),
    );
    expect(queries.length).toBeGreaterThanOrEqual(8);
    const empty = async () => {
      const missing: string[] = [];
      for (const q of queries) {
        const res = await fetch(`http://${prometheus}:9090/api/v1/query?query=${encodeURIComponent(q.expr)}`);
        const body = (await res.json()) as { data?: { result?: unknown[] } };
        if (!body.data?.result?.length) missing.push(`${q.panel} (${q.expr})`);
      }
      return missing;
    };
    // Scraped every 30 s; a rate needs two samples.
    await waitFor("every panel to have data", async () => ((await empty()).length === 0 ? true : undefined), {
      timeoutMs: 180_000,
      intervalMs: 5_000,
    }).catch(async () => {
      throw new Error(`panels without data:\n${(await empty()).join("\n")}`);
    });
  }, 240_000);

  it("drops a NAS outside them at the NetworkPolicy, until the policy agent is gone", async () => {
    expect(await login(outside)).toMatch(/No reply from server/);
    // The same request passes once nothing enforces the policy: the policy, not RADIUS, dropped it.
    const agent = platform.cluster.node?.services.find((s) => s.name === "dotmac-netpol");
    if (!agent) throw new Error("no NetworkPolicy agent");
    await agent.stop();
    await run(platform.toolchain.nodeBinaries["dotmac-netpol"], ["--cleanup"]);
    expect(await login(outside)).toMatch(/Received Access-Accept/);
  });
});
