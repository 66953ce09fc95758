import * as pulumi from "@pulumi/pulumi";

export interface GeneratedSecretArgs {
  /** Random bytes before encoding; 32 gives a 256-bit key. */
  readonly bytes?: pulumi.Input<number>;
  /** Change to rotate: a new value is generated whenever this changes. */
  readonly rotation?: pulumi.Input<string>;
  /**
   * Values a rotation keeps in `previous`, newest first (a key whose old ciphertexts must still
   * be read until they are re-sealed); 0: a rotation replaces the resource and forgets the old value.
   */
  readonly keep?: pulumi.Input<number>;
}

interface Inputs {
  bytes: number;
  rotation: string;
  keep: number;
}

interface Outputs extends Inputs {
  value: string;
  previous: string[];
}

/** Key material made with the engine host's CSPRNG; runs in Pulumi's dynamic-provider host. */
export const generatedSecretProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: Inputs, news: Inputs) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (!(Number.isInteger(news.bytes) && news.bytes >= 16 && news.bytes <= 128))
      failures.push({ property: "bytes", reason: "between 16 and 128 bytes" });
    if (!(Number.isInteger(news.keep) && news.keep >= 0 && news.keep <= 5))
      failures.push({ property: "keep", reason: "between 0 and 5 previous values" });
    return { inputs: news, failures };
  },
  async diff(_id: string, olds: Outputs, news: Inputs) {
    const rotated = olds.rotation !== news.rotation;
    const replaces = [
      ...(olds.bytes !== news.bytes ? ["bytes"] : []),
      ...(rotated && news.keep === 0 ? ["rotation"] : []),
    ];
    return { changes: replaces.length > 0 || rotated || (olds.keep ?? 0) !== news.keep, replaces };
  },
  async create(inputs: Inputs) {
    // Serialized into the dynamic-provider host: reach crypto without an import the serializer can't follow.
    const { randomBytes, randomUUID } = process.getBuiltinModule(
      "node:crypto",
    ) as typeof import("node:crypto");
    const outs: Outputs = { ...inputs, value: randomBytes(inputs.bytes).toString("base64url"), previous: [] };
    return { id: randomUUID(), outs };
  },
  /** A rotation that keeps old values: a new value, the old one first in `previous`. */
  async update(_id: string, olds: Outputs, news: Inputs) {
    const { randomBytes } = process.getBuiltinModule("node:crypto") as typeof import("node:crypto");
    const rotated = olds.rotation !== news.rotation;
    const value = rotated ? randomBytes(news.bytes).toString("base64url") : olds.value;
    const previous = (rotated ? [olds.value, ...(olds.previous ?? [])] : (olds.previous ?? [])).slice(
      0,
      news.keep,
    );
    return { outs: { ...news, value, previous } satisfies Outputs };
  },
};

/**
 * A per-tenant secret value (RADIUS credential key, Grafana admin password, GenieACS JWT key),
 * generated once, stored only as a Pulumi secret, and rotated by changing `rotation`.
 */
export class GeneratedSecret extends pulumi.dynamic.Resource {
  declare readonly value: pulumi.Output<string>;
  /** What the last `keep` rotations replaced, newest first. */
  declare readonly previous: pulumi.Output<string[]>;

  constructor(name: string, args: GeneratedSecretArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super(
      generatedSecretProvider,
      name,
      {
        bytes: args.bytes ?? 32,
        rotation: args.rotation ?? "1",
        keep: args.keep ?? 0,
        value: undefined,
        previous: undefined,
      },
      { ...opts, additionalSecretOutputs: ["value", "previous"] },
      "dotmac",
      "GeneratedSecret",
    );
  }
}
