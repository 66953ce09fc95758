export { pulumiStateUrl } from "./automation-api.ts";
export {
  automationApiClusterRules,
  automationApiUser,
  tenantManagerRules,
  tenantOnlyValidation,
} from "./automation-api-rbac.ts";
export {
  PlatformStamp,
  type PlatformStampArgs,
  platformDatabaseSizing,
} from "./platform-stamp.ts";
export { StateBackend, type StateBackendArgs } from "./state-backend.ts";
