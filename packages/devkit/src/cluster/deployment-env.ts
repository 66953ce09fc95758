import { type ApiCredentials, apiRequest } from "./api.ts";

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
  };
}

export interface Deployment {
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: {
    replicas?: number;
    template: {
      spec: {
        containers: {
          name: string;
          env?: EnvVar[];
          envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
        }[];
      };
    };
  };
  status?: { readyReplicas?: number };
}

/** Deployments across namespaces matching a label selector. */
export async function listDeployments(credentials: ApiCredentials, selector: string): Promise<Deployment[]> {
  const res = await apiRequest(
    credentials,
    "GET",
    `/apis/apps/v1/deployments?labelSelector=${encodeURIComponent(selector)}`,
  );
  if (res.status !== 200) throw new Error(`listing Deployments (${selector}): ${res.status} ${res.body}`);
  return (JSON.parse(res.body) as { items: Deployment[] }).items;
}

/**
 * A container's environment as the kubelet would give it: envFrom ConfigMaps and Secrets first,
 * then env with its secretKeyRef/configMapKeyRef values read. Undefined while something it
 * refers to does not exist yet.
 */
export async function containerEnv(
  credentials: ApiCredentials,
  deployment: Deployment,
  containerName: string,
): Promise<Record<string, string> | undefined> {
  const ns = deployment.metadata.namespace;
  const container = deployment.spec.template.spec.containers.find((c) => c.name === containerName);
  if (!container) return undefined;
  const read = async (kind: "secrets" | "configmaps", name: string) => {
    const res = await apiRequest(credentials, "GET", `/api/v1/namespaces/${ns}/${kind}/${name}`);
    if (res.status !== 200) return undefined;
    const data = (JSON.parse(res.body) as { data?: Record<string, string> }).data ?? {};
    return kind === "secrets"
      ? Object.fromEntries(
          Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
        )
      : data;
  };
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    const source = from.configMapRef
      ? await read("configmaps", from.configMapRef.name)
      : from.secretRef
        ? await read("secrets", from.secretRef.name)
        : {};
    if (!source) return undefined;
    Object.assign(env, source);
  }
  for (const v of container.env ?? []) {
    const ref = v.valueFrom?.secretKeyRef ?? v.valueFrom?.configMapKeyRef;
    if (!ref) {
      env[v.name] = v.value ?? "";
      continue;
    }
    const source = await read(v.valueFrom?.secretKeyRef ? "secrets" : "configmaps", ref.name);
    const value = source?.[ref.key];
    if (value === undefined) return undefined;
    env[v.name] = value;
  }
  return env;
}
