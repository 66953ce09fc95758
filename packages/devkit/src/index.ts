export { apiRequest } from "./cluster/api.ts";
export {
  clusterStatus,
  type LocalCluster,
  readClusterState,
  startCluster,
  stopClusterFromState,
} from "./cluster/cluster.ts";
export { containerEnv, listDeployments } from "./cluster/deployment-env.ts";
export { type DevkitEnv, devkitEnv, repoRoot } from "./env.ts";
export { LocalIspOps, type LocalIspOpsTenant } from "./local-isp-ops.ts";
export { type LocalRadius, LocalRadiusRunner } from "./local-radius.ts";
export { type CaughtMail, type Mailpit, startMailpit } from "./mail/mailpit.ts";
export { clientChunkText, clientModules, firstLoadJs } from "./next-bundles.ts";
export { type StripeMock, startStripeMock } from "./payments/stripe-mock.ts";
export { freePort, freePorts } from "./ports.ts";
export { createThrowawayDatabase, type ThrowawayDatabase } from "./postgres/databases.ts";
export { databaseUrl, type PostgresServer, startPostgres } from "./postgres/server.ts";
export { CommandError, run } from "./process.ts";
export { type Log, step } from "./progress.ts";
export { radclient } from "./radclient.ts";
export { type RadiusProcess, startRadiusProcess } from "./radius-process.ts";
export { type LocalAutomationApi, localSecret, startLocalAutomationApi } from "./services.ts";
export { ensureToolchain, pulumiEnv, type Toolchain } from "./toolchain/toolchain.ts";
export { versions } from "./toolchain/tools.ts";
