export {
  type DisconnectResult,
  type DisconnectTarget,
  disconnect,
  type SessionSelector,
} from "./disconnect.ts";
export { NasRegistry, networkMatcher } from "./nas.ts";
export { acceptAttributes } from "./reply.ts";
export { type RunningRadius, startRadius } from "./server.ts";
