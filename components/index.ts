export * from "./tenant/index.ts";
