import type { StackPlacement } from "@dotmac/contracts";
import { HOST_IP, POD_BRIDGE_CIDR } from "../net/pod-network.ts";

/** The one real node: its name, its pods' network, and where cluster DNS answers. */
export const NODE_NAME = "dotmac-node";
export const NODE_POD_CIDR = "10.244.200.0/24";
/** KWOK's fake pod addresses: apart from the real node's. */
export const KWOK_POD_CIDR = "10.244.0.0/17";
export const SERVICE_CIDR = "10.96.0.0/16";
export const CLUSTER_DNS_IP = "10.96.0.10";

/** Where pods reach the local Postgres: the bridge's host address, from the pod networks only. */
export const podPostgres = { address: HOST_IP, networks: [NODE_POD_CIDR, POD_BRIDGE_CIDR] } as const;
/** The NetworkPolicy agent's identity: it reads pods, namespaces and policies cluster-wide. */
export const NETPOL_USER = "dotmac:netpol";

/** The label our own apps' pods select to land on the real node (the stamps' placement). */
export const REAL_NODE_SELECTOR = { "dotmac.io/node": "real" } as const;

/**
 * Where stacks put pods on a cluster with a real node (their `dotmac:placement`): our own images
 * and Prometheus on it, the parts whose images cannot exist here on KWOK's nodes.
 */
export const realNodePlacement: StackPlacement = {
  default: { nodeSelector: { type: "kwok" } },
  workloads: Object.fromEntries(
    (["ispOps", "radius", "prometheus", "automationApi", "platformAdmin"] as const).map((w) => [
      w,
      { nodeSelector: { ...REAL_NODE_SELECTOR } },
    ]),
  ),
};

export interface NodePaths {
  readonly dir: string;
  /** A short folder under /run: unix socket paths are limited to 108 bytes. */
  readonly runDir: string;
  readonly pki: {
    readonly ca: string;
    readonly kubeletServing: { cert: string; key: string };
  };
  readonly containerdSocket: string;
  readonly sandboxImage: string;
}

/** containerd's CRI as the kubelet needs it here (see the README on what these machines lack). */
export function containerdConfig(p: NodePaths): string {
  return `version = 2
root = "${p.dir}/containerd/root"
state = "${p.runDir}/containerd"
disabled_plugins = [
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
  "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing",
]

[grpc]
  address = "${p.containerdSocket}"

[plugins."io.containerd.grpc.v1.cri"]
  # Built locally (nothing can be pulled), imported into the k8s.io namespace.
  sandbox_image = "${p.sandboxImage}"
  # No CAP_SYS_RESOURCE here: runc may not lower its own OOM score, and every sandbox would fail
  # with "can't get final child's PID from pipe".
  restrict_oom_score_adj = true
  max_container_log_line_size = 16384
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${p.dir}/cni/net.d"

[plugins."io.containerd.internal.v1.opt"]
  path = "${p.dir}/containerd/opt"
`;
}

/** Pods on a bridge of their own, addresses from the node's range, NAT only for the outside. */
export function cniConfig(p: NodePaths) {
  return {
    cniVersion: "1.0.0",
    name: "dotmac-pods",
    plugins: [
      {
        type: "bridge",
        bridge: "cni0",
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: {
          type: "host-local",
          ranges: [[{ subnet: NODE_POD_CIDR }]],
          routes: [{ dst: "0.0.0.0/0" }],
          dataDir: `${p.dir}/cni/ipam`,
        },
      },
      { type: "portmap", capabilities: { portMappings: true } },
    ],
  };
}

export function kubeletConfig(p: NodePaths, ports: { kubelet: number; healthz: number }) {
  return {
    apiVersion: "kubelet.config.k8s.io/v1beta1",
    kind: "KubeletConfiguration",
    // These machines run cgroup v1, which the kubelet refuses unless told.
    failCgroupV1: false,
    cgroupDriver: "cgroupfs",
    containerRuntimeEndpoint: `unix://${p.containerdSocket}`,
    address: HOST_IP,
    port: ports.kubelet,
    readOnlyPort: 0,
    healthzBindAddress: "127.0.0.1",
    healthzPort: ports.healthz,
    tlsCertFile: p.pki.kubeletServing.cert,
    tlsPrivateKeyFile: p.pki.kubeletServing.key,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: true },
      x509: { clientCAFile: p.pki.ca },
    },
    authorization: { mode: "Webhook" },
    clusterDomain: "cluster.local",
    clusterDNS: [CLUSTER_DNS_IP],
    podCIDR: NODE_POD_CIDR,
    failSwapOn: false,
    maxPods: 110,
    serializeImagePulls: false,
    // No registry to pull from again: the kubelet must never collect the images we imported.
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    evictionHard: { "memory.available": "100Mi", "nodefs.available": "1%", "imagefs.available": "1%" },
    // A developer's laptop or CI machine, not a dedicated node: nothing to reserve, no kernel tuning.
    protectKernelDefaults: false,
    enforceNodeAllocatable: ["pods"],
    resolvConf: "/etc/resolv.conf",
    shutdownGracePeriod: "0s",
  };
}

export function kubeProxyConfig(kubeconfig: string, ports: { metrics: number; healthz: number }) {
  return {
    apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
    kind: "KubeProxyConfiguration",
    mode: "iptables",
    // No clusterCIDR: kube-proxy would then masquerade traffic from outside the pod network to
    // Service IPs, and a NAS host reaching RADIUS's Service would arrive as the node, not as
    // itself (RADIUS and its NetworkPolicy identify a NAS by its source, as a LoadBalancer with
    // externalTrafficPolicy Local keeps it in production).
    hostnameOverride: NODE_NAME,
    bindAddress: HOST_IP,
    healthzBindAddress: `127.0.0.1:${ports.healthz}`,
    metricsBindAddress: `127.0.0.1:${ports.metrics}`,
    clientConnection: { kubeconfig },
    // Leave the machine's conntrack table size alone (these sandboxes may not change sysctls).
    conntrack: { maxPerCore: 0, min: 0 },
  };
}
