import { TenantStamp } from "@dotmac/components/tenant";
import { parseOrThrow, slugFromStackName, TenantSpec } from "@dotmac/contracts";
import * as pulumi from "@pulumi/pulumi";
import { httpUrlOf, radiusServiceTypeOf, schedulingOf } from "./cluster-settings.ts";
import { StackConfigError } from "./config-error.ts";

/** The stack settings besides the spec, read from `dotmac:*` config. */
function stampSettings(config: pulumi.Config) {
  return {
    suspended: config.getBoolean("suspended") ?? false,
    radiusServiceType: radiusServiceTypeOf(config),
    storageClassName: config.get("storageClassName") || undefined,
    postgresAppHost: config.get("postgresAppHost") || undefined,
    platformApiUrl: config.get("platformApiUrl") || undefined,
    mailFrom: config.get("mailFrom") || undefined,
    smtpPort: config.getNumber("smtpPort", { min: 1, max: 65_535 }),
    stripeApiUrl: httpUrlOf(config, "stripeApiUrl"),
    publicUrl: httpUrlOf(config, "publicUrl"),
    // `pulumi config set dotmac:secretsKeyRotation 2 && pulumi up` rotates the tenant's secrets key.
    secretsKeyRotation: config.get("secretsKeyRotation", { pattern: /^[A-Za-z0-9._-]{1,40}$/ }),
    scheduling: schedulingOf(config),
  };
}

/** A tenant stack: `dotmac:tenant` holds the TenantSpec; the stack's name must match its slug. */
export async function run() {
  const config = new pulumi.Config("dotmac");
  const stack = pulumi.getStack();
  // Validated before any resource exists: a bad spec fails here, naming every bad field.
  const spec = parseOrThrow(
    TenantSpec,
    config.requireObject("tenant"),
    `tenant spec in dotmac:tenant of stack ${stack}`,
  );
  if (spec.slug !== slugFromStackName(stack)) {
    throw new StackConfigError(
      `stack ${stack} holds tenant "${slugFromStackName(stack)}", but dotmac:tenant.slug is "${spec.slug}"`,
    );
  }
  const settings = stampSettings(config);
  const stamp = new TenantStamp(spec.slug, {
    spec,
    suspended: settings.suspended,
    ...(settings.secretsKeyRotation ? { secretsKeyRotation: settings.secretsKeyRotation } : {}),
    radiusServiceType: settings.radiusServiceType,
    ...(settings.publicUrl ? { publicUrl: settings.publicUrl } : {}),
    ...settings.scheduling,
    ...(settings.storageClassName ? { storageClassName: settings.storageClassName } : {}),
    ...(settings.platformApiUrl
      ? {
          platformApi: {
            url: settings.platformApiUrl,
            credential: config.requireSecret("platformCredential"),
          },
        }
      : {}),
    // Mail needs both: the sender (config) and the relay (a secret, `pulumi config set --secret dotmac:smtpUrl`).
    ...(settings.mailFrom
      ? {
          mail: {
            from: settings.mailFrom,
            smtpUrl: config.requireSecret("smtpUrl"),
            ...(settings.smtpPort ? { smtpPort: settings.smtpPort } : {}),
          },
        }
      : {}),
    // The ISP's own Stripe account: `pulumi config set --secret dotmac:stripeSecretKey` and dotmac:stripeWebhookSecret.
    ...(config.get("stripeSecretKey")
      ? {
          stripe: {
            secretKey: config.requireSecret("stripeSecretKey"),
            webhookSecret: config.requireSecret("stripeWebhookSecret"),
            ...(settings.stripeApiUrl ? { apiUrl: settings.stripeApiUrl } : {}),
          },
        }
      : {}),
    ...(spec.database.target === "postgres"
      ? {
          postgres: {
            adminUrl: config.requireSecret("postgresAdminUrl"),
            ...(settings.postgresAppHost ? { appHost: settings.postgresAppHost } : {}),
          },
        }
      : {}),
  });
  return {
    namespace: stamp.namespace,
    appUrl: stamp.appUrl,
    radiusEndpoint: stamp.radiusEndpoint,
    grafanaUrl: stamp.grafanaUrl,
    databaseHost: stamp.databaseHost,
    databaseName: stamp.databaseName,
    connectionSecretName: stamp.connectionSecretName,
    plan: spec.plan,
    suspended: settings.suspended,
  };
}
