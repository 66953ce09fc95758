export * from "./billing-schema.ts";
export { createTenantDb, type TenantDb } from "./client.ts";
export { SecretBox, sealedFor } from "./crypto.ts";
export {
  actOnOpenSessions,
  changeSubscriberStatus,
  type OpenSession,
  openSessionColumns,
  openSessions,
  type SessionDisconnector,
  TransitionError,
} from "./lifecycle.ts";
export * from "./schema.ts";
