import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { StackPlacement } from "@dotmac/contracts";
import { errorMessage } from "@dotmac/contracts";
import { type DevkitEnv, devkitEnv } from "../env.ts";
import { ensurePodBridge, HOST_IP } from "../net/pod-network.ts";
import { freePorts } from "../ports.ts";
import { isAlive, type Service, startService, waitFor } from "../process.ts";
import { type Log, stderrLog, step } from "../progress.ts";
import type { Toolchain } from "../toolchain/toolchain.ts";
import { type ApiCredentials, apiReady, apiRequest } from "./api.ts";
import { auditFlags } from "./audit.ts";
import { type ClusterState, readClusterState, writeClusterState } from "./cluster-state.ts";
import {
  apiServerFlags,
  type ClusterPorts,
  controllerManagerFlags,
  etcdFlags,
  kwokFlags,
  schedulerFlags,
} from "./control-plane-flags.ts";
import { writeControlPlaneKubeconfigs } from "./kubeconfig.ts";
import { registerKwokNodes } from "./kwok.ts";
import { type RealNode, startNode } from "./node.ts";
import { realNodePlacement } from "./node-config.ts";
import { controlPlaneCerts, ensurePki } from "./pki.ts";

const SERVICE_IP = "10.96.0.1";

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

async function etcdHealthy(port: number): Promise<true | undefined> {
  const res = await fetch(`http://127.0.0.1:${port}/health`);
  const body = (await res.json()) as { health?: string };
  return body.health === "true" ? true : undefined;
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
        start("etcd", bin("etcd"), etcdFlags(dir, ports));
        await waitFor("etcd /health", () => etcdHealthy(ports.etcdClient), { timeoutMs: 30_000 });
      },
      log,
    );

    await step(
      `kube-apiserver on ${server}`,
      async () => {
        const _serving = pki.cert("apiserver");
        start(
          "kube-apiserver",
          bin("kube-apiserver"),
          apiServerFlags({ ports, apiHost, pki, realNode, auditFlags: audit.flags }),
        );
        await waitFor("kube-apiserver /readyz", () => apiReady(credentials), {
          timeoutMs: 60_000,
          intervalMs: 200,
        });
      },
      log,
    );

    const { kubeconfig, cmKubeconfig, schedKubeconfig } = await writeControlPlaneKubeconfigs(
      dir,
      server,
      pki,
    );

    await step(
      "kube-controller-manager, kube-scheduler and KWOK",
      async () => {
        start(
          "kube-controller-manager",
          bin("kube-controller-manager"),
          controllerManagerFlags(cmKubeconfig, pki),
        );
        start("kube-scheduler", bin("kube-scheduler"), schedulerFlags(schedKubeconfig, ports));
        start("kwok", join(toolchain.kwokBinDir, "kwok"), kwokFlags(kubeconfig, toolchain.kwokBinDir, ports));
        await registerKwokNodes(credentials, opts.nodes ?? 2);
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
    await writeClusterState(dir, state);
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
    throw new Error(`${errorMessage(error)}\nsee the logs:\n${logs}`);
  }
}
