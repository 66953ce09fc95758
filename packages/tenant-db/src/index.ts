export * from "./billing-schema.ts";
export { createTenantDb, type TenantDb, type TenantTx } from "./client.ts";
export * from "./helpdesk-schema.ts";
export * from "./portal-schema.ts";
export * from "./schema.ts";
export { sealedFor } from "./sealed-for.ts";
