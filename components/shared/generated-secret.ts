import * as pulumi from "@pulumi/pulumi";

export interface GeneratedSecretArgs {
  /** Random bytes before encoding; 32 gives a 256-bit key. */
  readonly bytes?: pulumi.Input<number>;
  /** Change to rotate: a new value is generated whenever this changes. */
  readonly rotation?: pulumi.Input<string>;
}

interface Inputs {
  bytes: number;
  rotation: string;
}

/** Key material made with the engine host's CSPRNG; runs in Pulumi's dynamic-provider host. */
const provider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: Inputs, news: Inputs) {
    const ok = Number.isInteger(news.bytes) && news.bytes >= 16 && news.bytes <= 128;
    return { inputs: news, failures: ok ? [] : [{ property: "bytes", reason: "between 16 and 128 bytes" }] };
  },
  async diff(_id: string, olds: Inputs, news: Inputs) {
    const replaces = (["bytes", "rotation"] as const).filter((k) => olds[k] !== news[k]);
    return { changes: replaces.length > 0, replaces };
  },
  async create(inputs: Inputs) {
    // Serialized into the dynamic-provider host: reach crypto without an import the serializer can't follow.
    const { randomBytes, randomUUID } = process.getBuiltinModule(
      "node:crypto",
    ) as typeof import("node:crypto");
    return { id: randomUUID(), outs: { ...inputs, value: randomBytes(inputs.bytes).toString("base64url") } };
  },
};

/**
 * A per-tenant secret value (RADIUS credential key, Grafana admin password, GenieACS JWT key),
 * generated once, stored only as a Pulumi secret, and rotated by changing `rotation`.
 */
export class GeneratedSecret extends pulumi.dynamic.Resource {
  declare readonly value: pulumi.Output<string>;

  constructor(name: string, args: GeneratedSecretArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      { bytes: args.bytes ?? 32, rotation: args.rotation ?? "1", value: undefined },
      { ...opts, additionalSecretOutputs: ["value"] },
      "dotmac",
      "GeneratedSecret",
    );
  }
}
