import { createHash } from "node:crypto";
import { Resolver } from "node:dns/promises";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { DevkitEnv } from "../env.ts";
import { ensureSystemImages } from "../images/system-images.ts";
import { ensurePodBridge, HOST_IP } from "../net/pod-network.ts";
import { freePorts } from "../ports.ts";
import { isAlive, run, type Service, startService, waitFor } from "../process.ts";
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

/** One real node per machine: two would fight over cni0, the iptables chains and the cgroups. */
const LOCK = "/run/dotmac-node.json";

export interface NodeState {
  readonly dir: string;
  readonly containerdSocket: string;
  readonly pids: Record<string, number>;
}

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

async function claimMachine(dir: string): Promise<void> {
  const holder = JSON.parse(await readFile(LOCK, "utf8").catch(() => "null")) as NodeState | null;
  if (holder && holder.dir !== dir && Object.values(holder.pids).some(isAlive)) {
    throw new Error(
      `another local cluster runs this machine's real node (${holder.dir}); one node per machine: ` +
        `stop that one first (dotmac-dev cluster down there), or start this cluster with KWOK nodes only`,
    );
  }
}

const ctr = (socket: string, ...args: string[]) =>
  run("ctr", ["--address", socket, "--namespace", "k8s.io", ...args]);

/** The manifest digest an OCI archive holds (what containerd records for the image it imports). */
async function archiveDigest(archive: string): Promise<string> {
  const index = JSON.parse(await run("tar", ["-xOf", archive, "index.json"])) as {
    manifests: { digest: string }[];
  };
  return index.manifests[0]?.digest ?? "";
}

/**
 * Imports the images pods here run (nothing is pulled): the system images, and each app image
 * `dotmac-dev images build` left under .dotmac/images. Only what changed is imported again.
 */
export async function importImages(socket: string, archives: readonly string[], log: Log): Promise<void> {
  const listed = await ctr(socket, "images", "ls");
  const present = new Set(
    listed
      .split("\n")
      .slice(1)
      .map((line) => line.split(/\s+/))
      .map(([ref, , digest]) => `${ref}@${digest}`),
  );
  for (const archive of archives) {
    const refs = JSON.parse(await run("tar", ["-xOf", archive, "index.json"])) as {
      manifests: { annotations?: Record<string, string> }[];
    };
    const ref = refs.manifests[0]?.annotations?.["org.opencontainers.image.ref.name"] ?? "";
    if (present.has(`${ref}@${await archiveDigest(archive)}`)) continue;
    await step(`import ${ref || archive}`, () => ctr(socket, "images", "import", archive), log);
  }
}

/** Stops every pod container containerd runs (the kubelet does not when it stops). */
async function killPods(socket: string): Promise<void> {
  const tasks = await ctr(socket, "tasks", "ls", "-q").catch(() => "");
  for (const id of tasks.split("\n").filter(Boolean)) {
    await ctr(socket, "tasks", "kill", "--signal", "SIGKILL", id).catch(() => {});
  }
  await waitFor(
    "pod containers to stop",
    async () => ((await ctr(socket, "tasks", "ls", "-q").catch(() => "")).trim() === "" ? true : undefined),
    { timeoutMs: 15_000, intervalMs: 200 },
  ).catch(() => {});
}

/** Unmounts what the kubelet and containerd left mounted under the node's folders. */
async function unmountUnder(...dirs: string[]): Promise<void> {
  const mounts = (await readFile("/proc/self/mounts", "utf8"))
    .split("\n")
    .map((l) => l.split(" ")[1] ?? "")
    .filter((m) => dirs.some((d) => m.startsWith(d)))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) await run("umount", ["-l", m]).catch(() => {});
}

/**
 * Deletes the pods' network namespaces: the kubelet stops before it could tear its sandboxes down,
 * so their namespaces (containerd's /run/netns/cni-*) stay mounted. Ours are the ones whose veth
 * hangs on our cni0 bridge.
 */
async function removePodNetworkNamespaces(): Promise<void> {
  const links = JSON.parse(await run("ip", ["-j", "link", "show", "master", "cni0"]).catch(() => "[]")) as {
    link_netnsid?: number;
  }[];
  const ids = new Set(links.map((l) => l.link_netnsid).filter((id) => id !== undefined));
  const spaces = JSON.parse((await run("ip", ["-j", "netns", "list"]).catch(() => "")) || "[]") as {
    name: string;
    id?: number;
  }[];
  for (const ns of spaces) {
    if (ns.id !== undefined && ids.has(ns.id)) await run("ip", ["netns", "del", ns.name]).catch(() => {});
  }
}

/**
 * Tears down what a node left, running or not: its pods, its processes, the rules its proxy and
 * policy agent wrote, its mounts. `dotmac-dev cluster down` and a test's cleanup both end here.
 */
export async function teardownNode(
  state: NodeState,
  toolchain: Pick<Toolchain, "kubernetesBinDir" | "nodeBinaries"> | undefined,
): Promise<void> {
  const { stopPid } = await import("../process.ts");
  for (const name of ["kubelet", "kube-proxy", "dotmac-netpol"]) {
    const pid = state.pids[name];
    if (pid !== undefined) await stopPid(pid, 5_000);
  }
  if (state.pids.containerd !== undefined && isAlive(state.pids.containerd))
    await killPods(state.containerdSocket);
  if (state.pids.containerd !== undefined) await stopPid(state.pids.containerd, 5_000);
  // containerd's shims outlive it. Asked to stop, then killed: one still reaping its pod must not
  // outlive the node.
  const shims = `containerd-shim.*${state.containerdSocket.replace(/\/containerd\.sock$/, "")}`;
  for (const signal of ["TERM", "KILL"]) {
    await run("pkill", [`-${signal}`, "-f", shims]).catch(() => {});
    const gone = await waitFor(
      "the pods' shims to exit",
      async () => ((await run("pgrep", ["-f", shims]).catch(() => "")).trim() === "" ? true : undefined),
      { timeoutMs: 5_000, intervalMs: 100 },
    ).catch(() => false);
    if (gone) break;
  }
  if (toolchain) {
    await run(join(toolchain.kubernetesBinDir, "kube-proxy"), ["--cleanup"]).catch(() => {});
    await run(toolchain.nodeBinaries["dotmac-netpol"], ["--cleanup"]).catch(() => {});
  }
  await unmountUnder(state.dir, state.containerdSocket.replace(/\/containerd\.sock$/, ""));
  await removePodNetworkNamespaces();
  await run("ip", ["link", "del", "cni0"]).catch(() => {});
  const holder = JSON.parse(await readFile(LOCK, "utf8").catch(() => "null")) as NodeState | null;
  if (holder?.dir === state.dir) await rm(LOCK, { force: true });
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
        await writeFile(LOCK, JSON.stringify(state()));
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
        await writeFile(LOCK, JSON.stringify(state()));
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
        await writeFile(LOCK, JSON.stringify(state()));
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

/** The node state a detached `cluster up` recorded, for `cluster down`. */
export async function readNodeLock(): Promise<NodeState | undefined> {
  if (!existsSync(LOCK)) return undefined;
  return JSON.parse(await readFile(LOCK, "utf8")) as NodeState;
}
