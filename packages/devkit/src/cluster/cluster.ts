import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { StackPlacement } from "@dotmac/contracts";
import { type DevkitEnv, devkitEnv } from "../env.ts";
import { ensurePodBridge, HOST_IP } from "../net/pod-network.ts";
import { freePorts } from "../ports.ts";
import { isAlive, type Service, startService, stopPid, waitFor } from "../process.ts";
import { type Log, stderrLog, step } from "../progress.ts";
import type { Toolchain } from "../toolchain/toolchain.ts";
import { type ApiCredentials, apiRequest } from "./api.ts";
import { auditFlags } from "./audit.ts";
import { writeKubeconfig } from "./kubeconfig.ts";
import { type NodeState, type RealNode, startNode, teardownNode } from "./node.ts";
import { KWOK_POD_CIDR, realNodePlacement, SERVICE_CIDR } from "./node-config.ts";
import { controlPlaneCerts, ensurePki } from "./pki.ts";

const SERVICE_IP = "10.96.0.1";

export interface ClusterPorts {
  readonly etcdClient: number;
  readonly etcdPeer: number;
  readonly apiserver: number;
  readonly scheduler: number;
  readonly kwok: number;
}

/** What `cluster up` leaves behind so `status` and `down` can find the processes later. */
export interface ClusterState {
  readonly server: string;
  readonly kubeconfig: string;
  readonly ports: ClusterPorts;
  readonly pids: Record<string, number>;
  /** The real node's processes and folders, when the cluster has one. */
  readonly node?: NodeState;
  readonly startedAt: string;
}

export interface StartClusterOptions {
  /** Holds PKI, etcd data, kubeconfigs, logs and cluster.json. Reusing it keeps the cluster's data. */
  readonly dir: string;
  readonly toolchain: Toolchain;
  /** Detached processes outlive this one (`dotmac-dev cluster up`). */
  readonly detached?: boolean;
  /** KWOK nodes: pods whose images cannot exist here, and scale. */
  readonly nodes?: number;
  /**
   * One real node (kubelet, containerd, CNI, kube-proxy, NetworkPolicies, CoreDNS, metrics-server)
   * where our own images run as pods. Needs root; one per machine. `dotmac-dev cluster up` and
   * `npm start` turn it on; tests ask for it where they need real pods.
   */
  readonly realNode?: boolean;
  /** Image archives the real node imports (`dotmac-dev images build` output). */
  readonly appImages?: readonly string[];
  readonly env?: DevkitEnv;
  readonly log?: Log;
}

export interface LocalCluster {
  readonly dir: string;
  readonly server: string;
  /** Admin kubeconfig (system:masters). */
  readonly kubeconfig: string;
  readonly credentials: ApiCredentials;
  readonly services: readonly Service[];
  readonly node?: RealNode;
  /**
   * Where stacks put pods (their `dotmac:placement`): with a real node, our own apps go to it and
   * everything else to KWOK's nodes; without one, anywhere.
   */
  readonly placement: StackPlacement;
  /** The API server's audit log (JSON lines) of the platform's ServiceAccounts' requests. */
  readonly auditLog: string;
  stop(): Promise<void>;
}

/** The API server's port with a real node (kubeadm's, and what tenant egress policies allow). */
const KUBE_API_PORT = 6443;

const stateFile = (dir: string) => join(dir, "cluster.json");

export async function readClusterState(dir: string): Promise<ClusterState | undefined> {
  if (!existsSync(stateFile(dir))) return undefined;
  return JSON.parse(await readFile(stateFile(dir), "utf8")) as ClusterState;
}

/** The kwok nodes pods are scheduled onto; roomy, since tenant quotas are what limit tenants. */
export function kwokNode(name: string) {
  const resources = { cpu: "64", memory: "256Gi", pods: "250", "ephemeral-storage": "1Ti" };
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        type: "kwok",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "node-role.kubernetes.io/agent": "",
      },
      annotations: { "kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0" },
    },
    spec: {},
    status: {
      allocatable: resources,
      capacity: resources,
      nodeInfo: {
        architecture: "amd64",
        operatingSystem: "linux",
        kubeletVersion: "kwok",
        kubeProxyVersion: "kwok",
      },
    },
  };
}

async function etcdHealthy(port: number): Promise<true | undefined> {
  const res = await fetch(`http://127.0.0.1:${port}/health`);
  const body = (await res.json()) as { health?: string };
  return body.health === "true" ? true : undefined;
}

async function apiReady(creds: ApiCredentials): Promise<true | undefined> {
  const res = await apiRequest(creds, "GET", "/readyz");
  return res.status === 200 ? true : undefined;
}

/**
 * Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and KWOK on 127.0.0.1,
 * registers KWOK nodes, and returns once a Deployment could become Available (a node is Ready
 * and the default ServiceAccount exists).
 */
export async function startCluster(opts: StartClusterOptions): Promise<LocalCluster> {
  const log = opts.log ?? stderrLog;
  const { dir, toolchain } = opts;
  await mkdir(join(dir, "logs"), { recursive: true });
  const previous = await readClusterState(dir);
  if (previous && Object.values(previous.pids).some(isAlive)) {
    throw new Error(
      `a cluster is already running from ${dir} (${previous.server}); stop it with: dotmac-dev cluster down`,
    );
  }
  // Reuse the previous ports when we can: etcd remembers its peer URL across restarts.
  const [etcdClient, etcdPeer, apiserver, scheduler, kwok] = previous
    ? [
        previous.ports.etcdClient,
        previous.ports.etcdPeer,
        previous.ports.apiserver,
        previous.ports.scheduler,
        previous.ports.kwok,
      ]
    : await freePorts(5);
  const ports = { etcdClient, etcdPeer, apiserver, scheduler, kwok } as {
    -readonly [K in keyof ClusterPorts]: number;
  };
  const pki = await step(
    "cluster PKI",
    () => ensurePki(join(dir, "pki"), controlPlaneCerts(SERVICE_IP)),
    log,
  );
  const realNode = opts.realNode ?? false;
  // With a real node the API server listens on the pod bridge's host address (a local address,
  // on no outside interface): pods, the kubelet and this machine all reach it there.
  if (realNode) await ensurePodBridge();
  const apiHost = realNode ? HOST_IP : "127.0.0.1";
  // There, on the port API servers listen on everywhere, which tenants' egress policies allow.
  if (realNode) ports.apiserver = KUBE_API_PORT;
  const server = `https://${apiHost}:${ports.apiserver}`;
  const admin = pki.cert("admin");
  const credentials: ApiCredentials = {
    server,
    caCert: pki.caCert,
    clientCert: admin.cert,
    clientKey: admin.key,
  };

  const bin = (name: string) => join(toolchain.kubernetesBinDir, name);
  const audit = await auditFlags(dir);
  const services: Service[] = [];
  const start = (name: string, cmd: string, args: string[]) => {
    const s = startService(name, cmd, args, {
      logFile: join(dir, "logs", `${name}.log`),
      detached: opts.detached ?? false,
    });
    services.push(s);
    return s;
  };
  const stopAll = async () => {
    for (const s of [...services].reverse()) await s.stop();
  };

  try {
    await step(
      `etcd on 127.0.0.1:${ports.etcdClient}`,
      async () => {
        start("etcd", bin("etcd"), [
          "--name=dotmac",
          `--data-dir=${join(dir, "etcd")}`,
          `--listen-client-urls=http://127.0.0.1:${ports.etcdClient}`,
          `--advertise-client-urls=http://127.0.0.1:${ports.etcdClient}`,
          `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
          `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
          `--initial-cluster=dotmac=http://127.0.0.1:${ports.etcdPeer}`,
          // A local, single-member cluster: durability is the developer's disk's business.
          "--unsafe-no-fsync",
          "--log-level=warn",
        ]);
        await waitFor("etcd /health", () => etcdHealthy(ports.etcdClient), { timeoutMs: 30_000 });
      },
      log,
    );

    await step(
      `kube-apiserver on ${server}`,
      async () => {
        const serving = pki.cert("apiserver");
        start("kube-apiserver", bin("kube-apiserver"), [
          `--etcd-servers=http://127.0.0.1:${ports.etcdClient}`,
          `--bind-address=${apiHost}`,
          `--advertise-address=${apiHost}`,
          `--secure-port=${ports.apiserver}`,
          `--tls-cert-file=${serving.cert}`,
          `--tls-private-key-file=${serving.key}`,
          `--client-ca-file=${pki.caCert}`,
          `--service-account-key-file=${pki.saPub}`,
          `--service-account-signing-key-file=${pki.saKey}`,
          "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
          `--service-cluster-ip-range=${SERVICE_CIDR}`,
          "--authorization-mode=Node,RBAC",
          // Endpoints on loopback are refused: without a real node nothing in a pod needs them.
          ...(realNode ? [] : ["--endpoint-reconciler-type=none"]),
          // Towards the kubelet (logs, exec) and aggregated APIs (metrics-server).
          `--kubelet-client-certificate=${pki.cert("apiserver-kubelet-client").cert}`,
          `--kubelet-client-key=${pki.cert("apiserver-kubelet-client").key}`,
          `--proxy-client-cert-file=${pki.cert("front-proxy-client").cert}`,
          `--proxy-client-key-file=${pki.cert("front-proxy-client").key}`,
          `--requestheader-client-ca-file=${pki.caCert}`,
          "--requestheader-allowed-names=front-proxy-client",
          "--requestheader-username-headers=X-Remote-User",
          "--requestheader-group-headers=X-Remote-Group",
          "--requestheader-extra-headers-prefix=X-Remote-Extra-",
          "--enable-aggregator-routing=true",
          // The node's name resolves nowhere; its InternalIP is the bridge address.
          "--kubelet-preferred-address-types=InternalIP,Hostname",
          ...audit.flags,
          "--profiling=false",
          "--v=1",
        ]);
        await waitFor("kube-apiserver /readyz", () => apiReady(credentials), {
          timeoutMs: 60_000,
          intervalMs: 200,
        });
      },
      log,
    );

    const kubeconfig = join(dir, "kubeconfig");
    const cmKubeconfig = join(dir, "controller-manager.kubeconfig");
    const schedKubeconfig = join(dir, "scheduler.kubeconfig");
    const cm = pki.cert("controller-manager");
    const sched = pki.cert("scheduler");
    await writeKubeconfig(kubeconfig, {
      server,
      caCert: pki.caCert,
      clientCert: admin.cert,
      clientKey: admin.key,
      user: "dotmac-admin",
    });
    await writeKubeconfig(cmKubeconfig, {
      server,
      caCert: pki.caCert,
      clientCert: cm.cert,
      clientKey: cm.key,
      user: "system:kube-controller-manager",
    });
    await writeKubeconfig(schedKubeconfig, {
      server,
      caCert: pki.caCert,
      clientCert: sched.cert,
      clientKey: sched.key,
      user: "system:kube-scheduler",
    });

    await step(
      "kube-controller-manager, kube-scheduler and KWOK",
      async () => {
        start("kube-controller-manager", bin("kube-controller-manager"), [
          `--kubeconfig=${cmKubeconfig}`,
          "--secure-port=0",
          "--leader-elect=false",
          "--use-service-account-credentials=true",
          `--root-ca-file=${pki.caCert}`,
          `--service-account-private-key-file=${pki.saKey}`,
          `--cluster-signing-cert-file=${pki.caCert}`,
          `--cluster-signing-key-file=${pki.caKey}`,
          `--service-cluster-ip-range=${SERVICE_CIDR}`,
          "--kube-api-qps=500",
          "--kube-api-burst=1000",
          "--concurrent-deployment-syncs=20",
          "--concurrent-replicaset-syncs=20",
          "--concurrent-namespace-syncs=20",
          "--v=1",
        ]);
        start("kube-scheduler", bin("kube-scheduler"), [
          `--kubeconfig=${schedKubeconfig}`,
          `--authentication-kubeconfig=${schedKubeconfig}`,
          `--authorization-kubeconfig=${schedKubeconfig}`,
          "--bind-address=127.0.0.1",
          `--secure-port=${ports.scheduler}`,
          "--leader-elect=false",
          "--kube-api-qps=500",
          "--kube-api-burst=1000",
          "--v=1",
        ]);
        start("kwok", join(toolchain.kwokBinDir, "kwok"), [
          `--kubeconfig=${kubeconfig}`,
          `--config=${join(toolchain.kwokBinDir, "kwok-stages.yaml")}`,
          // Its own nodes only: the real node's pods are the kubelet's business.
          "--manage-all-nodes=false",
          "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
          `--server-address=127.0.0.1:${ports.kwok}`,
          "--node-ip=127.0.0.1",
          `--cidr=${KWOK_POD_CIDR}`,
          // KWOK renews each node's Lease; without it the node controller marks the nodes NotReady
          // once their last heartbeat ages (the heartbeat stage alone runs every 10 minutes).
          "--node-lease-duration-seconds=40",
        ]);
        for (let i = 0; i < (opts.nodes ?? 2); i++) {
          const node = kwokNode(`kwok-node-${i}`);
          const res = await apiRequest(credentials, "POST", "/api/v1/nodes", node);
          if (res.status !== 201 && res.status !== 409)
            throw new Error(`creating node ${node.metadata.name}: ${res.status} ${res.body}`);
        }
        await waitFor(
          "a Ready KWOK node",
          async () => {
            const res = await apiRequest(credentials, "GET", "/api/v1/nodes/kwok-node-0");
            const node = JSON.parse(res.body) as {
              status?: { conditions?: { type: string; status: string }[] };
            };
            return node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")
              ? true
              : undefined;
          },
          { timeoutMs: 60_000, intervalMs: 200 },
        );
        await waitFor(
          "the default ServiceAccount",
          async () =>
            (await apiRequest(credentials, "GET", "/api/v1/namespaces/default/serviceaccounts/default"))
              .status === 200
              ? true
              : undefined,
          { timeoutMs: 60_000, intervalMs: 200 },
        );
      },
      log,
    );

    const node = realNode
      ? await startNode({
          clusterDir: dir,
          env: opts.env ?? devkitEnv(),
          toolchain,
          pki,
          server,
          admin: credentials,
          detached: opts.detached ?? false,
          log,
          appImages: opts.appImages ?? [],
        })
      : undefined;
    const state: ClusterState = {
      server,
      kubeconfig,
      ports,
      pids: Object.fromEntries(services.map((s) => [s.name, s.pid])),
      ...(node ? { node: node.state() } : {}),
      startedAt: new Date().toISOString(),
    };
    await writeFile(stateFile(dir), `${JSON.stringify(state, null, 2)}\n`);
    const placement: StackPlacement = node ? realNodePlacement : {};
    const stop = async () => {
      await node?.stop();
      await stopAll();
    };
    return {
      dir,
      server,
      kubeconfig,
      credentials,
      services,
      ...(node ? { node } : {}),
      placement,
      auditLog: audit.log,
      stop,
    };
  } catch (error) {
    await stopAll();
    const logs = services.map((s) => `  ${s.logFile}`).join("\n");
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nsee the logs:\n${logs}`);
  }
}

/** Stops the processes a detached `cluster up` left running; keeps the data for next time. */
export async function stopClusterFromState(
  dir: string,
  toolchain?: Pick<Toolchain, "kubernetesBinDir" | "nodeBinaries">,
): Promise<boolean> {
  const state = await readClusterState(dir);
  if (!state) return false;
  if (state.node) await teardownNode(state.node, toolchain);
  const order = ["kwok", "kube-scheduler", "kube-controller-manager", "kube-apiserver", "etcd"];
  let stopped = false;
  for (const name of order) {
    const pid = state.pids[name];
    if (pid !== undefined && isAlive(pid)) {
      await stopPid(pid);
      stopped = true;
    }
  }
  return stopped;
}

export interface ClusterStatus {
  readonly state: ClusterState | undefined;
  readonly processes: Record<string, boolean>;
  readonly ready: boolean;
}

export async function clusterStatus(dir: string): Promise<ClusterStatus> {
  const state = await readClusterState(dir);
  if (!state) return { state, processes: {}, ready: false };
  const processes = Object.fromEntries(
    Object.entries({ ...state.pids, ...state.node?.pids }).map(([name, pid]) => [name, isAlive(pid)]),
  );
  const pki = join(dir, "pki");
  const ready = await apiReady({
    server: state.server,
    caCert: join(pki, "ca.crt"),
    clientCert: join(pki, "admin.crt"),
    clientKey: join(pki, "admin.key"),
  }).catch(() => undefined);
  return { state, processes, ready: ready === true };
}
