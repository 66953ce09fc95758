import { type ApiCredentials, apiRequest } from "./api.ts";

/** The kinds the local cluster's own add-ons use, and where the API serves each. */
const resources: Record<string, { plural: string; namespaced: boolean }> = {
  ServiceAccount: { plural: "serviceaccounts", namespaced: true },
  ConfigMap: { plural: "configmaps", namespaced: true },
  Service: { plural: "services", namespaced: true },
  Deployment: { plural: "deployments", namespaced: true },
  Role: { plural: "roles", namespaced: true },
  RoleBinding: { plural: "rolebindings", namespaced: true },
  ClusterRole: { plural: "clusterroles", namespaced: false },
  ClusterRoleBinding: { plural: "clusterrolebindings", namespaced: false },
  APIService: { plural: "apiservices", namespaced: false },
  Namespace: { plural: "namespaces", namespaced: false },
};

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}

/** Where a manifest's object lives on the API server. */
export function objectPath(m: Manifest): string {
  const kind = resources[m.kind];
  if (!kind) throw new Error(`no API path known for kind ${m.kind}`);
  const base = m.apiVersion.includes("/") ? `/apis/${m.apiVersion}` : `/api/${m.apiVersion}`;
  const ns = kind.namespaced ? `/namespaces/${m.metadata.namespace ?? "default"}` : "";
  return `${base}${ns}/${kind.plural}/${m.metadata.name}`;
}

/** Server-side apply, as `kubectl apply --server-side --force-conflicts` does: idempotent. */
export async function applyManifests(creds: ApiCredentials, manifests: readonly unknown[]): Promise<void> {
  for (const m of manifests as Manifest[]) {
    const res = await apiRequest(creds, "PATCH", `${objectPath(m)}?fieldManager=dotmac-dev&force=true`, m, {
      "content-type": "application/apply-patch+yaml",
    });
    if (res.status >= 300)
      throw new Error(`applying ${m.kind} ${m.metadata.name}: ${res.status} ${res.body}`);
  }
}
