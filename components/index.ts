export * from "./database/index.ts";
export * from "./platform/index.ts";
export { GeneratedSecret } from "./shared/generated-secret.ts";
export * from "./tenant/index.ts";
