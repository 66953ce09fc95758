export { type PostgresServerArgs, TenantDatabase, type TenantDatabaseArgs } from "./database.ts";
export { GeneratedSecret } from "./generated-secret.ts";
export { GenieAcs, genieacsServices } from "./genieacs.ts";
export { disruptionBudget, IspOps, ispOpsEnv } from "./isp-ops.ts";
export { dashboards, Monitoring, prometheusConfig } from "./monitoring.ts";
export {
  limitRangeLimits,
  namespaceLabels,
  namespaceName,
  quotaHard,
  tenantLabels,
} from "./namespace-specs.ts";
export { type NetworkPolicySpec, networkPolicySpecs } from "./network-policy-specs.ts";
export { PostgresDatabase, pgIdentifier, tenantDatabaseName } from "./postgres-database.ts";
export { Radius } from "./radius.ts";
export { TenantStamp, type TenantStampArgs, tenantRoleRules } from "./tenant-stamp.ts";
