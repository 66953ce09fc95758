import { waitFor } from "../process.ts";
import { type ApiCredentials, apiRequest } from "./api.ts";

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

/** Registers `count` KWOK nodes (again is harmless) and waits until the first is Ready. */
export async function registerKwokNodes(credentials: ApiCredentials, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
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
}
