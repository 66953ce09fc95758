import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GeneratedSecret } from "../shared/generated-secret.ts";

/** What a tenant is given to keep secret, beside its database's credentials. */
export interface TenantSecretsArgs {
  /** Change to rotate the tenant's secrets key (the two before it stay readable); "1" when absent. */
  readonly secretsKeyRotation?: string;
  /**
   * The automation API and the tenant's credential for it: isp-ops reports its NAS networks
   * there. Without it, NAS networks change only through the platform (the spec's `nasCidrs`).
   */
  readonly platformApi?: { readonly url: string; readonly credential: pulumi.Input<string> };
  /**
   * The tenant's outgoing mail (dunning notices, receipts): the SMTP relay's URL with its
   * credentials (kept in a Secret), its port (opened in the network policy) and the sender.
   */
  readonly mail?: {
    readonly smtpUrl: pulumi.Input<string>;
    readonly smtpPort?: number;
    readonly from: string;
  };
  /** The ISP's own Stripe account, for card payments (kept in a Secret; Stripe is reached on 443). */
  readonly stripe?: {
    readonly secretKey: pulumi.Input<string>;
    readonly webhookSecret: pulumi.Input<string>;
    /** Another address for Stripe's API (a Stripe-compatible endpoint or an egress proxy; locally stripe-mock). */
    readonly apiUrl?: string;
  };
}

/**
 * The tenant's Secrets beside its database's: the keyring sealing RADIUS passwords and NAS
 * secrets, and, where given, its credential for the platform API, its mail relay and Stripe.
 */
export function tenantSecrets(
  name: string,
  args: TenantSecretsArgs,
  inNs: (n: string) => k8s.types.input.meta.v1.ObjectMeta,
  child: pulumi.CustomResourceOptions,
) {
  // Seals RADIUS passwords and NAS secrets at rest (AES-256-GCM); isp-ops and RADIUS read it. A
  // rotation keeps the two keys before it, which open what is not yet re-sealed (isp-ops
  // re-seals at start, `dotmac-isp-ops reseal` by hand).
  const secretsKeyRotation = args.secretsKeyRotation ?? "1";
  const secretsKey = new GeneratedSecret(
    `${name}-secrets-key`,
    { bytes: 32, rotation: secretsKeyRotation, keep: 2 },
    child,
  );
  const secretsKeySecret = new k8s.core.v1.Secret(
    `${name}-secrets-key`,
    {
      metadata: inNs("tenant-secrets"),
      type: "Opaque",
      stringData: {
        TENANT_SECRETS_KEY: secretsKey.value,
        // None on a key made before rotations kept the old ones.
        TENANT_SECRETS_PREVIOUS_KEYS: secretsKey.previous.apply((keys) => (keys ?? []).join(",")),
      },
    },
    child,
  );
  const secretsKeyRef = { secretName: secretsKeySecret.metadata.name, rotation: secretsKeyRotation };

  const platformCredential = args.platformApi
    ? new k8s.core.v1.Secret(
        `${name}-platform-credential`,
        {
          metadata: inNs("platform-credential"),
          type: "Opaque",
          stringData: { PLATFORM_API_TOKEN: pulumi.secret(args.platformApi.credential) },
        },
        child,
      )
    : undefined;

  const smtp = args.mail
    ? new k8s.core.v1.Secret(
        `${name}-smtp`,
        {
          metadata: inNs("isp-ops-smtp"),
          type: "Opaque",
          stringData: { SMTP_URL: pulumi.secret(args.mail.smtpUrl) },
        },
        child,
      )
    : undefined;

  const stripe = args.stripe
    ? new k8s.core.v1.Secret(
        `${name}-stripe`,
        {
          metadata: inNs("isp-ops-stripe"),
          type: "Opaque",
          stringData: pulumi.secret({
            STRIPE_SECRET_KEY: args.stripe.secretKey,
            STRIPE_WEBHOOK_SECRET: args.stripe.webhookSecret,
          }),
        },
        child,
      )
    : undefined;
  return { secretsKeyRef, platformCredential, smtp, stripe };
}
