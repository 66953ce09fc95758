import { defaultImages, tiers } from "@dotmac/contracts";
import { apiRequest, run } from "@dotmac/devkit";
import {
  configureRealNodeTenant,
  createPodHost,
  type LocalPlatform,
  loadHttp,
  type PodHost,
  podNetns,
  probeTcp,
  type ScratchProject,
  scratchProject,
  startLocalPlatform,
  uniqueSuffix,
  waitFor,
} from "@dotmac/devkit/testing";
import * as k8s from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * Who may open a connection to whom, written out here from the isolation the platform promises
 * (not derived from the stamp's own policy code): from the ingress controller only isp-ops and
 * Grafana; MongoDB only from GenieACS; the GenieACS NBI and RADIUS control only from isp-ops;
 * Prometheus only from Grafana, scraping only the metrics ports; nothing from another tenant, the
 * platform's namespace or a NAS (over TCP: RADIUS's UDP from NAS hosts is proved elsewhere).
 * Every other pair is refused.
 */
const allowed = new Set([
  "ingress → a/isp-ops:3000",
  "ingress → a/grafana:3000",
  "a/isp-ops → a/radius:9813",
  "a/isp-ops → a/genieacs:7557",
  "a/genieacs → a/mongodb:27017",
  "a/grafana → a/prometheus:9090",
  "a/prometheus → a/isp-ops:9464",
  "a/prometheus → a/radius:9812",
  // Tenant B (starter: no GenieACS) by the same rules, among its parts the test opens.
  "ingress → b/isp-ops:3000",
  "b/isp-ops → b/radius:9813",
]);

/** The tenant's listening ports, by part. */
const targetPorts: Record<string, number[]> = {
  "isp-ops": [3000, 9464],
  radius: [9812, 9813],
  genieacs: [7557],
  mongodb: [27017],
  prometheus: [9090],
  grafana: [3000],
};

/**
 * Real connections across two tenants on the real node, the platform's namespace, the ingress
 * controller's and NAS hosts, judged by the NetworkPolicies the stamps made (dotmac-netpol
 * enforcing them). Tenant A runs every part: isp-ops, RADIUS and Prometheus as themselves;
 * GenieACS, MongoDB and Grafana, whose images cannot exist here, as stand-ins that carry their
 * labels and listen on their ports. RADIUS over UDP from NAS hosts is proved in
 * apps/radius/test/real-node.test.ts.
 */
describe("two tenants on the real node", () => {
  let platform: LocalPlatform;
  let project: ScratchProject;
  let core: k8s.CoreV1Api;
  let nasInside: PodHost;
  let nasOutside: PodHost;
  const suffix = uniqueSuffix();
  const tenants = { a: `mx-a-${suffix}`, b: `mx-b-${suffix}` };
  const nsOf = (t: "a" | "b") => `tenant-${tenants[t]}`;
  /** Where each source connects from (a network namespace) and each target listens (an address). */
  const sources = new Map<string, string>();
  const targets = new Map<string, string>();

  const standIn = async (namespace: string, part: string, ports: number[]) => {
    const pod = {
      metadata: { name: `stand-in-${part}`, labels: { "app.kubernetes.io/name": part } },
      spec: {
        nodeSelector: { "dotmac.io/node": "real" },
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
        containers: [
          {
            name: "listen",
            image: defaultImages.radius,
            command: [
              "node",
              "-e",
              `for (const p of ${JSON.stringify(ports)}) require("node:net").createServer((s) => s.end()).listen(p);`,
            ],
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"] },
            },
            resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { cpu: "100m", memory: "64Mi" } },
          },
        ],
      },
    };
    const res = await apiRequest(
      platform.cluster.credentials,
      "POST",
      `/api/v1/namespaces/${namespace}/pods`,
      pod,
    );
    if (res.status >= 300) throw new Error(`stand-in ${part} in ${namespace}: ${res.status} ${res.body}`);
  };

  /** The address of the part's running pod on the real node. */
  const podIp = async (namespace: string, part: string) =>
    waitFor(
      `${part} in ${namespace} running on the real node`,
      async () => {
        const pods = await core.listNamespacedPod({
          namespace,
          labelSelector: `app.kubernetes.io/name=${part}`,
        });
        const pod = pods.items.find(
          (p) => p.spec?.nodeName === "dotmac-node" && p.status?.phase === "Running",
        );
        return pod?.status?.podIP || undefined;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );

  /** Every source × every target port, as "source → target:port" → whether it opened. */
  const matrix = async () => {
    const cells: Record<string, boolean> = {};
    for (const [source, netns] of sources) {
      const probes = [...targets].flatMap(([target, host]) =>
        (targetPorts[target.split("/")[1] ?? ""] ?? [])
          .filter(() => target !== source)
          .map((port) => ({ name: `${source} → ${target}:${port}`, host, port })),
      );
      Object.assign(cells, await probeTcp(netns, probes));
    }
    return cells;
  };
  const wrong = (cells: Record<string, boolean>) =>
    Object.entries(cells)
      .filter(([cell, open]) => open !== allowed.has(cell))
      .map(([cell, open]) => `${cell}: ${open ? "opened, should be refused" : "refused, should open"}`);

  beforeAll(async () => {
    platform = await startLocalPlatform({ postgres: true, realNode: true });
    project = await scratchProject(platform, { prefix: "netpol-matrix" });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(platform.cluster.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    [nasInside, nasOutside] = await Promise.all([createPodHost("mx-in"), createPodHost("mx-out")]);

    for (const [key, plan] of [
      ["a", "professional"],
      ["b", "starter"],
    ] as const) {
      const stack = await configureRealNodeTenant(platform, project, {
        slug: tenants[key],
        tenantId: crypto.randomUUID(),
        displayName: `Matrix ${key}`,
        plan,
        seats: 5,
        nasCidrs: key === "a" ? [`${nasInside.ip}/32`] : [],
      });
      await project.pulumi("up", "--yes", "--skip-preview", "-s", stack);
    }
    for (const ns of ["platform-admin", "ingress-nginx"]) {
      await apiRequest(platform.cluster.credentials, "POST", "/api/v1/namespaces", {
        metadata: { name: ns },
      });
    }
    await standIn(nsOf("a"), "genieacs", [7557]);
    await standIn(nsOf("a"), "mongodb", [27017]);
    await standIn(nsOf("a"), "grafana", [3000]);
    await standIn("platform-admin", "automation-api", [8080]);
    await standIn("ingress-nginx", "ingress-nginx", [80]);

    for (const part of ["isp-ops", "radius", "genieacs", "mongodb", "prometheus", "grafana"]) {
      const ip = await podIp(nsOf("a"), part);
      targets.set(`a/${part}`, ip);
      sources.set(`a/${part}`, await podNetns(ip));
    }
    for (const part of ["isp-ops", "radius"]) {
      const ip = await podIp(nsOf("b"), part);
      targets.set(`b/${part}`, ip);
      sources.set(`b/${part}`, await podNetns(ip));
    }
    sources.set("platform", await podNetns(await podIp("platform-admin", "automation-api")));
    sources.set("ingress", await podNetns(await podIp("ingress-nginx", "ingress-nginx")));
    sources.set("nas-inside", nasInside.name);
    sources.set("nas-outside", nasOutside.name);
  }, 60 * 60_000);

  afterAll(async () => {
    for (const stack of Object.values(tenants)) {
      await project?.pulumi("destroy", "--yes", "--skip-preview", "-s", `tenant-${stack}`).catch(() => "");
    }
    await project?.remove();
    await Promise.all([nasInside?.remove(), nasOutside?.remove()]);
    await platform?.stop();
  });

  it("opens exactly the allowed pairs and refuses every other one", async () => {
    // The agent programs rules as pods appear: wait for it to catch up, then the answer must hold.
    let cells: Record<string, boolean> = {};
    await waitFor(
      "the matrix to match",
      async () => {
        cells = await matrix();
        return wrong(cells).length === 0 ? true : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 2_000 },
    ).catch(() => {
      throw new Error(`cells that do not hold:\n${wrong(cells).join("\n")}`);
    });
    expect(Object.keys(cells).length).toBeGreaterThan(100);
    // Sources outside tenant A's parts reach none of its pods.
    for (const source of ["b/isp-ops", "b/radius", "platform", "nas-inside", "nas-outside"]) {
      expect(Object.entries(cells).filter(([c, open]) => c.startsWith(`${source} → a/`) && open)).toEqual([]);
    }
    // Tenant B's own isp-ops reaches its own RADIUS control: the refusals are policy, not a dead port.
    expect(cells["b/isp-ops → b/radius:9813"]).toBe(true);
  }, 180_000);

  it("scales a tenant's isp-ops up under load, within its plan's bounds", async () => {
    const autoscaling = new k8s.KubeConfig();
    autoscaling.loadFromFile(platform.cluster.kubeconfig);
    const hpas = autoscaling.makeApiClient(k8s.AutoscalingV2Api);
    const apps = autoscaling.makeApiClient(k8s.AppsV1Api);
    const replicas = async () =>
      (await apps.readNamespacedDeployment({ name: "isp-ops", namespace: nsOf("a") })).spec?.replicas ?? 0;
    const hpa = await hpas.readNamespacedHorizontalPodAutoscaler({ name: "isp-ops", namespace: nsOf("a") });
    const { minReplicas, maxReplicas } = tiers.professional.hpa;
    expect([hpa.spec?.minReplicas, hpa.spec?.maxReplicas]).toEqual([minReplicas, maxReplicas]);
    // Idle, it stays at its minimum: metrics-server's figures are in and below the target.
    await waitFor(
      "the autoscaler to read isp-ops's CPU",
      async () => {
        const status = (
          await hpas.readNamespacedHorizontalPodAutoscaler({ name: "isp-ops", namespace: nsOf("a") })
        ).status;
        const cpu = status?.currentMetrics?.find((m) => m.resource?.name === "cpu")?.resource?.current;
        return cpu?.averageUtilization !== undefined ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 2_000 },
    );
    expect(await replicas()).toBe(minReplicas);

    // Server-rendered pages from where the ingress controller stands (the only peer allowed in).
    const load = loadHttp(sources.get("ingress") ?? "", `http://${targets.get("a/isp-ops")}:3000/login`, {
      seconds: 150,
      concurrency: 8,
    });
    const scaled = await waitFor(
      "isp-ops to scale up",
      async () => {
        const n = await replicas();
        return n > minReplicas ? n : undefined;
      },
      { timeoutMs: 150_000, intervalMs: 2_000 },
    );
    const answered = await load;
    expect(scaled).toBeGreaterThan(minReplicas);
    expect(scaled).toBeLessThanOrEqual(maxReplicas);
    expect(answered["200"] ?? 0).toBeGreaterThan(100);
  }, 300_000);

  it("no longer holds once the policy agent is stopped: the refusals were the policies'", async () => {
    const agent = platform.cluster.node?.services.find((s) => s.name === "dotmac-netpol");
    if (!agent) throw new Error("no NetworkPolicy agent");
    await agent.stop();
    await run(platform.toolchain.nodeBinaries["dotmac-netpol"], ["--cleanup"]);
    const cells = await matrix();
    const opened = wrong(cells).filter((w) => w.endsWith("should be refused"));
    expect(opened).toEqual(
      expect.arrayContaining([
        "b/isp-ops → a/mongodb:27017: opened, should be refused",
        "platform → a/radius:9813: opened, should be refused",
        "nas-outside → a/isp-ops:3000: opened, should be refused",
      ]),
    );
  }, 120_000);
});
