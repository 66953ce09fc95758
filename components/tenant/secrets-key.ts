import type * as pulumi from "@pulumi/pulumi";

/** The tenant's keyring as the pods that seal and open secrets (isp-ops, RADIUS) are given it. */
export interface SecretsKeyRef {
  /** The Secret holding TENANT_SECRETS_KEY and TENANT_SECRETS_PREVIOUS_KEYS. */
  readonly secretName: pulumi.Input<string>;
  /** The key's rotation: on the pod template, so a rotation rolls the pods (they read the Secret as they start). */
  readonly rotation: string;
}

export const secretsKeyEnv = (ref: SecretsKeyRef) =>
  (["TENANT_SECRETS_KEY", "TENANT_SECRETS_PREVIOUS_KEYS"] as const).map((key) => ({
    name: key,
    valueFrom: { secretKeyRef: { name: ref.secretName, key } },
  }));

export const secretsKeyAnnotations = (ref: SecretsKeyRef) => ({
  "dotmac.io/secrets-key-rotation": ref.rotation,
});
