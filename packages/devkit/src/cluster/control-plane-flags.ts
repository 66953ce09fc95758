import { join } from "node:path";
import { KWOK_POD_CIDR, SERVICE_CIDR } from "./node-config.ts";
import type { Pki } from "./pki.ts";

// The command lines of the local control plane's processes, one function per process.

/** Where the control plane's processes listen (kept across restarts: etcd remembers its peer URL). */
export interface ClusterPorts {
  readonly etcdClient: number;
  readonly etcdPeer: number;
  readonly apiserver: number;
  readonly scheduler: number;
  readonly kwok: number;
}

export const etcdFlags = (dir: string, ports: ClusterPorts) => [
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
];

export interface ApiServerFlags {
  readonly ports: ClusterPorts;
  readonly apiHost: string;
  readonly pki: Pki;
  readonly realNode: boolean;
  readonly auditFlags: readonly string[];
}

export function apiServerFlags({ ports, apiHost, pki, realNode, auditFlags }: ApiServerFlags) {
  const serving = pki.cert("apiserver");
  return [
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
    ...auditFlags,
    "--profiling=false",
    "--v=1",
  ];
}

export const controllerManagerFlags = (kubeconfig: string, pki: Pki) => [
  `--kubeconfig=${kubeconfig}`,
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
];

export const schedulerFlags = (kubeconfig: string, ports: ClusterPorts) => [
  `--kubeconfig=${kubeconfig}`,
  `--authentication-kubeconfig=${kubeconfig}`,
  `--authorization-kubeconfig=${kubeconfig}`,
  "--bind-address=127.0.0.1",
  `--secure-port=${ports.scheduler}`,
  "--leader-elect=false",
  "--kube-api-qps=500",
  "--kube-api-burst=1000",
  "--v=1",
];

export const kwokFlags = (kubeconfig: string, kwokBinDir: string, ports: ClusterPorts) => [
  `--kubeconfig=${kubeconfig}`,
  `--config=${join(kwokBinDir, "kwok-stages.yaml")}`,
  // Its own nodes only: the real node's pods are the kubelet's business.
  "--manage-all-nodes=false",
  "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
  `--server-address=127.0.0.1:${ports.kwok}`,
  "--node-ip=127.0.0.1",
  `--cidr=${KWOK_POD_CIDR}`,
  // KWOK renews each node's Lease; without it the node controller marks the nodes NotReady
  // once their last heartbeat ages (the heartbeat stage alone runs every 10 minutes).
  "--node-lease-duration-seconds=40",
];
