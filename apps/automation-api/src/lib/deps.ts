import type { SessionCookie } from "@dotmac/http/session-cookie";
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
  /** The admin session's cookie (`__Host-`, Secure unless DOTMAC_PLAIN_HTTP). */
  readonly sessionCookie: SessionCookie;
  /** Failed sign-ins by account and address (one per replica; a test may pass its own). */
  readonly signIns?: SignInLimiter;
  /** Whether the queue is up, for /readyz. */
  readonly ready: () => boolean;
}
