// Every route module of the API, once: the typed client's schema and the server's completeness test read this.
export * as audit from "./routes/audit.ts";
export * as auth from "./routes/auth.ts";
export * as entitlements from "./routes/entitlements.ts";
export * as flags from "./routes/flags.ts";
export * as fleet from "./routes/fleet.ts";
export * as licences from "./routes/licences.ts";
export * as nasNetworks from "./routes/nas-networks.ts";
export * as operations from "./routes/operations.ts";
export * as tenants from "./routes/tenants.ts";
export * as tokens from "./routes/tokens.ts";
