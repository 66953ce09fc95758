import { PlatformStamp } from "@dotmac/components/platform";
import { PlatformSpec, parseOrThrow } from "@dotmac/contracts";
import * as pulumi from "@pulumi/pulumi";
import { radiusServiceTypeOf, schedulingOf } from "./cluster-settings.ts";

/** The control-plane stack: `dotmac:platform` holds the PlatformSpec (all of it optional). */
export async function run() {
  const config = new pulumi.Config("dotmac");
  const spec = parseOrThrow(
    PlatformSpec,
    config.getObject("platform") ?? {},
    "platform spec in dotmac:platform",
  );
  const appHost = config.get("postgresAppHost");
  const stamp = new PlatformStamp("platform", {
    spec,
    radiusServiceType: radiusServiceTypeOf(config),
    ...schedulingOf(config),
    ...(spec.database.target === "postgres"
      ? { postgres: { adminUrl: config.requireSecret("postgresAdminUrl"), ...(appHost ? { appHost } : {}) } }
      : {}),
  });
  return {
    namespace: stamp.namespace,
    adminUrl: stamp.adminUrl,
    apiUrl: stamp.apiUrl,
    databaseHost: stamp.databaseHost,
    stateBackendUrl: stamp.stateBackendUrl,
    secretsProvider: stamp.secretsProvider,
  };
}
