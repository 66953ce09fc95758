export { createApp } from "./app.ts";
export { createAdmin } from "./bootstrap.ts";
export { type ApiEnv, apiEnv } from "./env.ts";
export { type RunningApi, startApi } from "./server.ts";
