export { type FieldError, fieldErrors, parseOrThrow, ValidationError } from "./errors.ts";
export { Cidr, Hostname, ipVersion, PinnedImage } from "./net.ts";
export {
  defaultPlatformImages,
  PLATFORM_NAMESPACE,
  PlatformSpec,
  type PlatformSpecInput,
} from "./platform-spec.ts";
export { reservedSlugs, slugFromStackName, TenantSlug, tenantNamespace, tenantStackName } from "./slug.ts";
export {
  DatabaseTarget,
  defaultImages,
  effectiveFeatures,
  TenantSpec,
  type TenantSpecInput,
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
