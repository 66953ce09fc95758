export { GenieAcs } from "./genieacs.ts";
export { IspOps } from "./isp-ops.ts";
export { disruptionBudget, ispOpsEnv } from "./isp-ops-env.ts";
export { dashboards, Monitoring, prometheusConfig } from "./monitoring.ts";
export {
  limitRangeLimits,
  namespaceLabels,
  namespaceName,
  quotaHard,
  tenantLabels,
} from "./namespace-specs.ts";
export { type NetworkPolicySpec, networkPolicySpecs } from "./network-policy-specs.ts";
export { Radius } from "./radius.ts";
export { TenantStamp, type TenantStampArgs, tenantRoleRules } from "./tenant-stamp.ts";
