export * from "./billing-schema.ts";
export { createTenantDb, type TenantDb, type TenantTx } from "./client.ts";
export { SecretBox, sealedFor } from "./crypto.ts";
export {
  actOnOpenSessions,
  changeSubscriberStatus,
  type DuringStatusChange,
  type OpenSession,
  openSessionColumns,
  openSessions,
  type SessionDisconnector,
  TransitionError,
} from "./lifecycle.ts";
export * from "./schema.ts";
