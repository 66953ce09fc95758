import type { SignInLimiter } from "@dotmac/http/sign-in-limiter";
import type { PlatformDb } from "@dotmac/platform-db";
import type { Logger } from "pino";
import type { Registry } from "prom-client";

/** What the routes need from the running service; tests build one around a real database. */
export interface Deps {
  readonly db: PlatformDb;
  readonly engine: {
    kick(operationId: string, kind: string): Promise<void>;
    interrupt(operationId: string): void;
  };
  readonly log: Logger;
  readonly metrics: Registry;
  /** Session cookies get `Secure` when the API is served over https. */
  readonly secureCookies: boolean;
  /** Failed sign-ins by account and address (one per replica; a test may pass its own). */
  readonly signIns?: SignInLimiter;
  /** Whether the queue is up, for /readyz. */
  readonly ready: () => boolean;
}
