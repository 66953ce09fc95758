export { type FieldError, fieldErrors, parseOrThrow, ValidationError } from "./errors.ts";
export {
  CredentialReset,
  DeviceCreate,
  IpAddress,
  MacAddress,
  NasCreate,
  NasUpdate,
  NasVendor,
  PlanCreate,
  type PlanVendorAttribute,
  planVendorAttributes,
  RADIUS_CONTROL_PURPOSE,
  RadiusPassword,
  RadiusUsername,
  SessionDisconnectRequest,
  StaffCreate,
  StaffLogin,
  StatusChange,
  SubscriberCreate,
  SubscriberQuery,
  SubscriberUpdate,
  VendorAttributes,
} from "./isp-ops-api.ts";
export { Cidr, Hostname, imageRegistries, ipVersion, PinnedImage } from "./net.ts";
export { PlatformPermission, permits, platformPermissions } from "./permissions.ts";
export {
  Placement,
  placementOf,
  SizingProfile,
  StackPlacement,
  sized,
  Toleration,
  Workload,
} from "./placement.ts";
export {
  ApiToken,
  ApiTokenRequest,
  AuditEntry,
  FeatureFlag,
  FlagKey,
  FleetRolloutRequest,
  Licence,
  LoginRequest,
  Me,
  NasNetworks,
  NasNetworksResult,
  Operation,
  OperationAccepted,
  OperationEvent,
  OperationKind,
  OperationStatus,
  Problem,
  Tenant,
  TenantOutputs,
  TenantPage,
  TenantStatus,
  TenantSummary,
} from "./platform-api.ts";
export {
  defaultPlatformImages,
  PLATFORM_NAMESPACE,
  PlatformSpec,
  type PlatformSpecInput,
} from "./platform-spec.ts";
export { crashSafeBackendUrl, fileBackendUrl, PulumiBackendUrl } from "./pulumi-backend.ts";
export { crossOriginRefusal } from "./request-origin.ts";
export {
  reservedSlugs,
  slugFromLocalHost,
  slugFromStackName,
  TenantSlug,
  tenantNamespace,
  tenantStackName,
} from "./slug.ts";
export {
  BillingCycle,
  CapMode,
  canTransition,
  StaffPermission,
  SubscriberStatus,
  subscriberTransitions,
} from "./subscribers.ts";
export {
  applySpecChange,
  DatabaseTarget,
  defaultImages,
  effectiveFeatures,
  NasCidrs,
  TenantSpec,
  TenantSpecChange,
  type TenantSpecInput,
  TenantSpecRequest,
  tenantHosts,
} from "./tenant-spec.ts";
export {
  type ComponentSize,
  componentResources,
  Feature,
  PlanTier,
  parseQuantity,
  type Resources,
  type TierSpec,
  tiers,
} from "./tiers.ts";
