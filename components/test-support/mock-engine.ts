import * as pulumi from "@pulumi/pulumi";
import { expect } from "vitest";

/**
 * Test support: runs Pulumi programs against mocks (no engine, no cloud) and records every
 * resource as the engine would have received it. AWS and GCP exist only this way here.
 */
export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
  /** What the mock answered: the inputs, plus what a provider computes (names, passwords, IPs). */
  state: Record<string, any>;
}

/** How the SDK marks a secret value on the wire. */
export const SECRET_SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";
export const secretOf = (value: unknown) => ({ [SECRET_SIG]: SECRET_VALUE, value });

export const registered: Registered[] = [];
export const seen: pulumi.Resource[] = [];

/** Outputs providers compute, so components can derive their own outputs from them. */
const computed: Record<string, (inputs: Record<string, any>) => Record<string, unknown>> = {
  "pulumi-nodejs:dynamic/dotmac:PostgresDatabase": () => ({ password: "mock-password" }),
  // As long as the real one: base64url of `bytes` bytes.
  "pulumi-nodejs:dynamic/dotmac:GeneratedSecret": (i) => ({
    value: Buffer.alloc(i.bytes ?? 32, 7).toString("base64url"),
  }),
  "random:index/randomPassword:RandomPassword": () => ({ result: "mock-random" }),
  "aws:rds/instance:Instance": () => ({ address: "db.example.internal", port: 5432 }),
  "aws:kms/key:Key": (i) => ({ arn: "arn:aws:kms:eu-west-1:123456789012:key/mock", keyId: "mock", ...i }),
  "gcp:sql/databaseInstance:DatabaseInstance": () => ({ privateIpAddress: "10.1.2.3" }),
  "kubernetes:core/v1:Service": (i) => ({ spec: { ...i.spec, clusterIP: "10.96.7.7" } }),
};

pulumi.runtime.setMocks(
  {
    newResource(args) {
      const state = { ...args.inputs, ...computed[args.type]?.(args.inputs) };
      // The Kubernetes provider names what the program leaves unnamed (<resource name>-<suffix>).
      if (args.type.startsWith("kubernetes:") && args.inputs.metadata && !args.inputs.metadata.name) {
        state.metadata = { ...args.inputs.metadata, name: `${args.name}-mock` };
      }
      registered.push({ type: args.type, name: args.name, inputs: args.inputs, state });
      return { id: `${args.name}-id`, state };
    },
    call(args) {
      if (args.token === "gcp:storage/getProjectServiceAccount:getProjectServiceAccount") {
        return { emailAddress: "service-123@gs-project-accounts.iam.gserviceaccount.com" };
      }
      throw new Error(`unexpected call ${args.token}`);
    },
  },
  "dotmac",
  "test",
  false,
);

/** Pass as `transformations` to a component: sees every descendant as it is registered. */
export const record: pulumi.ResourceTransformation = (args) => {
  seen.push(args.resource);
  return undefined;
};

export function resetMocks(): void {
  registered.length = 0;
  seen.length = 0;
}

export const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

/** Waits for registrations nothing awaited, then returns lookups over what was registered. */
export async function settled() {
  await new Promise((r) => setTimeout(r, 50));
  const urns = await Promise.all(seen.map((r) => value(r.urn)));
  const of = (type: string) => registered.filter((r) => r.type === type);
  const one = (type: string, name?: string) => {
    const found = of(type).filter((r) => name === undefined || r.inputs.metadata?.name === name);
    expect(found, `${type} ${name ?? ""}`).toHaveLength(1);
    return found[0] as Registered;
  };
  return { urns, of, one };
}

const unwrap = (v: any): any => (v && typeof v === "object" && SECRET_SIG in v ? v.value : v);

/**
 * A container's environment as the kubelet builds it: its `env` values, and the ConfigMap and
 * Secret entries it refers to, read from what the program registered. `secrets` replaces Secret
 * entries by key (what only a live system has, such as a real database URL).
 */
export function containerEnv(
  container: { env?: any[]; envFrom?: any[] },
  secrets: Record<string, string> = {},
): Record<string, string> {
  const byName = (type: string, name: string) => {
    const found = registered.find((r) => r.type === type && r.state.metadata?.name === name);
    if (!found) throw new Error(`no ${type} named ${name}`);
    const data = { ...unwrap(found.state.data), ...unwrap(found.state.stringData) } as Record<
      string,
      unknown
    >;
    return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(unwrap(v))]));
  };
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, byName("kubernetes:core/v1:ConfigMap", from.configMapRef.name));
    if (from.secretRef) Object.assign(env, byName("kubernetes:core/v1:Secret", from.secretRef.name));
  }
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
    if (!ref) {
      env[e.name] = String(unwrap(e.value));
      continue;
    }
    const kind = e.valueFrom.secretKeyRef ? "kubernetes:core/v1:Secret" : "kubernetes:core/v1:ConfigMap";
    const value =
      e.valueFrom.secretKeyRef && ref.key in secrets ? secrets[ref.key] : byName(kind, ref.name)[ref.key];
    if (value === undefined) throw new Error(`${e.name}: ${ref.name} has no key ${ref.key}`);
    env[e.name] = value;
  }
  return env;
}
