export { cidrContains, NasRegistry } from "./nas.ts";
export { acceptAttributes, mikrotikRateLimit } from "./reply.ts";
export { type RunningRadius, startRadius } from "./server.ts";
