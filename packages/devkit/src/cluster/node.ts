import { createHash } from "node:crypto";
import { Resolver } from "node:dns/promises";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DevkitEnv } from "../env.ts";
import { ensureSystemImages } from "../images/system-images.ts";
import { ensurePodBridge, HOST_IP } from "../net/pod-network.ts";
import { freePorts } from "../ports.ts";
import { type Service, startService, waitFor } from "../process.ts";
import { type Log, step } from "../progress.ts";
import { ensureSystemTools, type SystemTool } from "../system.ts";
import type { Toolchain } from "../toolchain/toolchain.ts";
import { type ApiCredentials, apiRequest } from "./api.ts";
import { applyManifests } from "./apply.ts";
import { writeKubeconfig } from "./kubeconfig.ts";
import {
  CLUSTER_DNS_IP,
  cniConfig,
  containerdConfig,
  kubeletConfig,
  kubeProxyConfig,
  NODE_NAME,
  type NodePaths,
  REAL_NODE_SELECTOR,
  SERVICE_CIDR,
} from "./node-config.ts";
import { ctr, importImages } from "./node-images.ts";
import { claimMachine, type NodeState, recordNode } from "./node-lock.ts";
import { teardownNode } from "./node-teardown.ts";
import type { Pki } from "./pki.ts";
import { corednsManifests, metricsServerManifests, nodeRbac } from "./system-pods.ts";

/** What a real node needs from Debian: the runtime, CNI plugins, and the tools kube-proxy and the policy agent drive. */
export const nodeTools: readonly SystemTool[] = [
  { command: "containerd", debianPackage: "containerd" },
  { command: "runc", debianPackage: "runc" },
  { command: "bridge", debianPackage: "containernetworking-plugins", file: "/usr/lib/cni/bridge" },
  { command: "iptables", debianPackage: "iptables" },
  { command: "ipset", debianPackage: "ipset" },
  { command: "conntrack", debianPackage: "conntrack" },
];

export interface RealNode {
  readonly name: string;
  readonly services: readonly Service[];
  readonly containerdSocket: string;
  /** What `cluster down` needs to tear it down from another process. */
  state(): NodeState;
  stop(): Promise<void>;
}

function nodePaths(clusterDir: string, pki: Pki): NodePaths {
  const dir = join(clusterDir, "node");
  const runDir = `/run/dotmac-node-${createHash("sha256").update(dir).digest("hex").slice(0, 8)}`;
  return {
    dir,
    runDir,
    pki: { ca: pki.caCert, kubeletServing: pki.cert("kubelet-serving") },
    containerdSocket: join(runDir, "containerd.sock"),
    sandboxImage: "registry.dotmac.io/dotmac/pause:1",
  };
}

/** Waits until a node process's /healthz on 127.0.0.1 answers 2xx. */
const healthy = (what: string, port: number, timeoutMs: number) =>
  waitFor(
    `${what}'s healthz`,
    async () =>
      (await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.ok,
        () => false,
      ))
        ? true
        : undefined,
    { timeoutMs, intervalMs: 200 },
  );

export interface StartNodeOptions {
  readonly clusterDir: string;
  readonly env: DevkitEnv;
  readonly toolchain: Toolchain;
  readonly pki: Pki;
  readonly server: string;
  readonly admin: ApiCredentials;
  readonly detached: boolean;
  readonly log: Log;
  /** App image archives to import (`dotmac-dev images build` output). */
  readonly appImages: readonly string[];
}

/**
 * The real node: containerd + runc, the bridge CNI, the kubelet, kube-proxy, the NetworkPolicy
 * agent, then CoreDNS and metrics-server as pods on it. Fails with the reason when a part cannot
 * start; there is no fallback to fake pods.
 */
export async function startNode(opts: StartNodeOptions): Promise<RealNode> {
  const { log } = opts;
  if (process.getuid?.() !== 0) {
    throw new Error(
      "the local cluster's real node needs root (containerd, the kubelet and iptables): run as root",
    );
  }
  await ensureSystemTools(nodeTools, log);
  const p = nodePaths(opts.clusterDir, opts.pki);
  await claimMachine(p.dir);
  await ensurePodBridge();
  for (const d of ["containerd", "cni/net.d", "cni/ipam", "kubelet", "pod-logs", "logs"]) {
    await mkdir(join(p.dir, d), { recursive: true });
  }
  await mkdir(p.runDir, { recursive: true });
  const [kubeletPort, kubeletHealthz, proxyMetrics, proxyHealthz] = await freePorts(4);
  const kubeconfig = (name: string) => join(p.dir, `${name}.kubeconfig`);
  for (const [name, cert, user] of [
    ["kubelet", "kubelet-client", `system:node:${NODE_NAME}`],
    ["kube-proxy", "kube-proxy", "system:kube-proxy"],
    ["netpol", "netpol", "dotmac:netpol"],
  ] as const) {
    const c = opts.pki.cert(cert);
    await writeKubeconfig(kubeconfig(name), {
      server: opts.server,
      caCert: opts.pki.caCert,
      clientCert: c.cert,
      clientKey: c.key,
      user,
    });
  }
  await writeFile(join(p.dir, "containerd.toml"), containerdConfig(p));
  await writeFile(join(p.dir, "cni/net.d/10-dotmac.conflist"), JSON.stringify(cniConfig(p), null, 2));
  await writeFile(
    join(p.dir, "kubelet.json"),
    JSON.stringify(
      {
        ...kubeletConfig(p, { kubelet: kubeletPort as number, healthz: kubeletHealthz as number }),
        podLogsDir: join(p.dir, "pod-logs"),
      },
      null,
      2,
    ),
  );
  await writeFile(
    join(p.dir, "kube-proxy.json"),
    JSON.stringify(
      kubeProxyConfig(kubeconfig("kube-proxy"), {
        metrics: proxyMetrics as number,
        healthz: proxyHealthz as number,
      }),
      null,
      2,
    ),
  );

  const services: Service[] = [];
  const start = (name: string, cmd: string, args: string[]) => {
    const s = startService(name, cmd, args, {
      logFile: join(p.dir, "logs", `${name}.log`),
      detached: opts.detached,
    });
    services.push(s);
    return s;
  };
  const state = (): NodeState => ({
    dir: p.dir,
    containerdSocket: p.containerdSocket,
    pids: Object.fromEntries(services.map((s) => [s.name, s.pid])),
  });
  const bin = (name: string) => join(opts.toolchain.kubernetesBinDir, name);
  try {
    await step(
      "containerd",
      async () => {
        start("containerd", "containerd", ["--config", join(p.dir, "containerd.toml")]);
        await recordNode(state());
        await waitFor(
          "containerd's socket",
          async () =>
            await ctr(p.containerdSocket, "version").then(
              () => true,
              () => undefined,
            ),
          {
            timeoutMs: 30_000,
            intervalMs: 100,
          },
        );
      },
      log,
    );
    const system = await ensureSystemImages(opts.env, opts.toolchain, log);
    await importImages(p.containerdSocket, [...system.map((i) => i.archive), ...opts.appImages], log);
    await applyManifests(opts.admin, nodeRbac);
    await step(
      `kubelet (node ${NODE_NAME} at ${HOST_IP})`,
      async () => {
        start("kubelet", bin("kubelet"), [
          `--config=${join(p.dir, "kubelet.json")}`,
          `--kubeconfig=${kubeconfig("kubelet")}`,
          `--hostname-override=${NODE_NAME}`,
          `--node-ip=${HOST_IP}`,
          `--root-dir=${join(p.dir, "kubelet")}`,
          `--node-labels=${Object.entries(REAL_NODE_SELECTOR)
            .map(([k, v]) => `${k}=${v}`)
            .join(",")}`,
          "--v=1",
        ]);
        await recordNode(state());
        const started = Date.now();
        await healthy("the kubelet", kubeletHealthz as number, 60_000);
        // Ready, as reported by this kubelet (the node object may hold an earlier run's status).
        await waitFor(
          "the node to be Ready",
          async () => {
            const res = await apiRequest(opts.admin, "GET", `/api/v1/nodes/${NODE_NAME}`);
            if (res.status !== 200) return undefined;
            const node = JSON.parse(res.body) as {
              status?: { conditions?: { type: string; status: string; lastHeartbeatTime: string }[] };
            };
            const ready = node.status?.conditions?.find((c) => c.type === "Ready");
            return ready?.status === "True" && Date.parse(ready.lastHeartbeatTime) >= started - 1000
              ? true
              : undefined;
          },
          { timeoutMs: 60_000, intervalMs: 250 },
        );
      },
      log,
    );
    await step(
      "kube-proxy and the NetworkPolicy agent",
      async () => {
        start("kube-proxy", bin("kube-proxy"), [`--config=${join(p.dir, "kube-proxy.json")}`, "--v=1"]);
        start("dotmac-netpol", opts.toolchain.nodeBinaries["dotmac-netpol"], [
          `--kubeconfig=${kubeconfig("netpol")}`,
          `--node=${NODE_NAME}`,
          `--service-cidr=${SERVICE_CIDR}`,
        ]);
        await recordNode(state());
        await healthy("kube-proxy", proxyHealthz as number, 30_000);
      },
      log,
    );
    await step(
      "CoreDNS and metrics-server on the node",
      async () => {
        await applyManifests(opts.admin, [...corednsManifests(), ...metricsServerManifests()]);
        // Answering, not just reported Ready: the kubernetes Service's name through the DNS Service.
        const resolver = new Resolver({ timeout: 1000, tries: 1 });
        resolver.setServers([CLUSTER_DNS_IP]);
        await waitFor(
          "cluster DNS to answer",
          async () =>
            (await resolver.resolve4("kubernetes.default.svc.cluster.local").then(
              (a) => a.length > 0,
              () => false,
            ))
              ? true
              : undefined,
          { timeoutMs: 90_000, intervalMs: 250 },
        );
      },
      log,
    );
  } catch (error) {
    const logs = await readdir(join(p.dir, "logs")).catch(() => [] as string[]);
    await teardownNode(state(), opts.toolchain);
    throw new Error(
      `${(error as Error).message}\nthe node's logs: ${logs.map((l) => join(p.dir, "logs", l)).join(", ")}`,
    );
  }
  return {
    name: NODE_NAME,
    services,
    containerdSocket: p.containerdSocket,
    state,
    stop: () => teardownNode(state(), opts.toolchain),
  };
}
