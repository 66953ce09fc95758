import { versions } from "../toolchain/tools.ts";
import { CLUSTER_DNS_IP, NETPOL_USER, REAL_NODE_SELECTOR } from "./node-config.ts";

const NS = "kube-system";
const coredns = `registry.dotmac.io/dotmac/coredns:${versions.coredns}`;
const metricsServer = `registry.dotmac.io/dotmac/metrics-server:${versions.metricsServer}`;

/** What runs on the real node for the cluster itself, in the shape the stamps use for ours. */
const hardened = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

/** The Corefile kubeadm writes. */
export const COREFILE = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready :8181
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

const clusterRole = (name: string, rules: unknown[]) => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRole",
  metadata: { name },
  rules,
});
const bindRole = (name: string, role: string, subject: Record<string, string>) => ({
  apiVersion: "rbac.authorization.k8s.io/v1",
  kind: "ClusterRoleBinding",
  metadata: { name },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
  subjects: [subject],
});
const serviceAccount = (name: string) => ({
  apiVersion: "v1",
  kind: "ServiceAccount",
  metadata: { name, namespace: NS },
});

const READ = ["get", "list", "watch"];

/**
 * The node's identities' rights: the API server may use the kubelet's API (logs, exec, metrics),
 * and the policy agent reads what kube-router's controller reads, cluster-wide, nothing more.
 */
export const nodeRbac = [
  bindRole("dotmac:apiserver-kubelet-client", "system:kubelet-api-admin", {
    apiGroup: "rbac.authorization.k8s.io",
    kind: "User",
    name: "kube-apiserver-kubelet-client",
  }),
  clusterRole("dotmac:netpol", [
    { apiGroups: [""], resources: ["pods", "namespaces", "nodes"], verbs: READ },
    { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: READ },
  ]),
  bindRole("dotmac:netpol", "dotmac:netpol", {
    apiGroup: "rbac.authorization.k8s.io",
    kind: "User",
    name: NETPOL_USER,
  }),
];

export function corednsManifests() {
  const labels = { "k8s-app": "kube-dns" };
  return [
    serviceAccount("coredns"),
    clusterRole("system:coredns", [
      {
        apiGroups: [""],
        resources: ["endpoints", "services", "pods", "namespaces"],
        verbs: ["list", "watch"],
      },
      { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list", "watch"] },
    ]),
    bindRole("system:coredns", "system:coredns", { kind: "ServiceAccount", name: "coredns", namespace: NS }),
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "coredns", namespace: NS },
      data: { Corefile: COREFILE },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "coredns", namespace: NS, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: "coredns",
            nodeSelector: REAL_NODE_SELECTOR,
            // It answers from the node's resolv.conf upstream, not from itself.
            dnsPolicy: "Default",
            // Port 53 without root or a capability: NetworkPolicies that allow DNS name port 53,
            // the pod's own port, so CoreDNS must listen on it, as it does in every cluster.
            securityContext: { sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "53" }] },
            priorityClassName: "system-cluster-critical",
            containers: [
              {
                name: "coredns",
                image: coredns,
                imagePullPolicy: "IfNotPresent",
                args: ["-conf", "/etc/coredns/Corefile"],
                ports: [
                  { name: "dns", containerPort: 53, protocol: "UDP" },
                  { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
                ],
                securityContext: hardened,
                resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { memory: "170Mi" } },
                volumeMounts: [{ name: "config", mountPath: "/etc/coredns", readOnly: true }],
                livenessProbe: { httpGet: { path: "/health", port: 8080 }, periodSeconds: 10 },
                readinessProbe: { httpGet: { path: "/ready", port: 8181 }, periodSeconds: 2 },
              },
            ],
            volumes: [{ name: "config", configMap: { name: "coredns" } }],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "kube-dns", namespace: NS, labels },
      spec: {
        clusterIP: CLUSTER_DNS_IP,
        selector: labels,
        ports: [
          { name: "dns", port: 53, targetPort: 53, protocol: "UDP" },
          { name: "dns-tcp", port: 53, targetPort: 53, protocol: "TCP" },
        ],
      },
    },
  ];
}

/** metrics-server, so HorizontalPodAutoscalers act on what the real node's pods use. */
export function metricsServerManifests() {
  const labels = { "k8s-app": "metrics-server" };
  return [
    serviceAccount("metrics-server"),
    clusterRole("system:metrics-server", [
      { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
      { apiGroups: [""], resources: ["pods", "nodes"], verbs: READ },
    ]),
    bindRole("system:metrics-server", "system:metrics-server", {
      kind: "ServiceAccount",
      name: "metrics-server",
      namespace: NS,
    }),
    bindRole("metrics-server:system:auth-delegator", "system:auth-delegator", {
      kind: "ServiceAccount",
      name: "metrics-server",
      namespace: NS,
    }),
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "metrics-server-auth-reader", namespace: NS },
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "Role",
        name: "extension-apiserver-authentication-reader",
      },
      subjects: [{ kind: "ServiceAccount", name: "metrics-server", namespace: NS }],
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "metrics-server", namespace: NS, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: "metrics-server",
            nodeSelector: REAL_NODE_SELECTOR,
            priorityClassName: "system-cluster-critical",
            containers: [
              {
                name: "metrics-server",
                image: metricsServer,
                imagePullPolicy: "IfNotPresent",
                args: [
                  "--cert-dir=/tmp",
                  "--secure-port=10250",
                  "--kubelet-preferred-address-types=InternalIP",
                  "--kubelet-use-node-status-port",
                  // The kubelet's serving certificate is signed by the cluster CA, which the pod
                  // does not carry; KWOK's nodes answer nothing and are skipped after the timeout.
                  "--kubelet-insecure-tls",
                  "--metric-resolution=15s",
                ],
                ports: [{ name: "https", containerPort: 10250 }],
                securityContext: hardened,
                resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "256Mi" } },
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                readinessProbe: {
                  httpGet: { path: "/readyz", port: 10250, scheme: "HTTPS" },
                  periodSeconds: 5,
                },
                livenessProbe: {
                  httpGet: { path: "/livez", port: 10250, scheme: "HTTPS" },
                  periodSeconds: 10,
                },
              },
            ],
            volumes: [{ name: "tmp", emptyDir: {} }],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "metrics-server", namespace: NS, labels },
      spec: { selector: labels, ports: [{ name: "https", port: 443, targetPort: 10250 }] },
    },
    {
      apiVersion: "apiregistration.k8s.io/v1",
      kind: "APIService",
      metadata: { name: "v1beta1.metrics.k8s.io" },
      spec: {
        group: "metrics.k8s.io",
        version: "v1beta1",
        service: { name: "metrics-server", namespace: NS },
        insecureSkipTLSVerify: true,
        groupPriorityMinimum: 100,
        versionPriority: 100,
      },
    },
  ];
}
