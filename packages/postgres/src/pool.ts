import postgres from "postgres";

/**
 * Limits every pool of ours sets on its sessions: a query stuck on a lock or a runaway plan ends
 * in seconds instead of holding a connection (and the tenant's connection budget) for ever, and a
 * transaction left open by a crashed request is rolled back instead of holding its locks. Work
 * that needs longer (migrations, a stack's own database resources) opens its own connection.
 */
export const POSTGRES_SESSION_TIMEOUTS = {
  statement_timeout: 30_000,
  idle_in_transaction_session_timeout: 60_000,
} as const;

/** A pool of postgres.js connections with our session limits, notices dropped. */
export const createPool = (databaseUrl: string, opts: { max?: number } = {}) =>
  postgres(databaseUrl, { max: opts.max ?? 10, onnotice: () => {}, connection: POSTGRES_SESSION_TIMEOUTS });
