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
  "pulumi-nodejs:dynamic/dotmac:GeneratedSecret": () => ({ value: "mock-secret" }),
  "random:index/randomPassword:RandomPassword": () => ({ result: "mock-random" }),
  "aws:rds/instance:Instance": () => ({ address: "db.example.internal", port: 5432 }),
  "aws:kms/key:Key": (i) => ({ arn: "arn:aws:kms:eu-west-1:123456789012:key/mock", keyId: "mock", ...i }),
  "gcp:sql/databaseInstance:DatabaseInstance": () => ({ privateIpAddress: "10.1.2.3" }),
  "kubernetes:core/v1:Service": (i) => ({ spec: { ...i.spec, clusterIP: "10.96.7.7" } }),
};

pulumi.runtime.setMocks(
  {
    newResource(args) {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs });
      return { id: `${args.name}-id`, state: { ...args.inputs, ...computed[args.type]?.(args.inputs) } };
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
