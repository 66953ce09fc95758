import type { Server } from "node:http";

/**
 * Under the Kubernetes default of 30 s (terminationGracePeriodSeconds in the stamps): what is
 * still running then is cut, and the kubelet's SIGKILL must not be the one to do it.
 */
export const DRAIN_SECONDS = 25;

/**
 * On SIGTERM (or Ctrl-C) stop accepting connections, let requests in flight finish, then run
 * `cleanup` (pools, watchers) and exit 0; exit 1 if draining outlasts `drainSeconds`.
 */
export function drainOnSignal(
  server: Server,
  cleanup: () => Promise<unknown> = async () => {},
  drainSeconds = DRAIN_SECONDS,
): void {
  let draining = false;
  const stop = () => {
    if (draining) return;
    draining = true;
    setTimeout(() => process.exit(1), drainSeconds * 1000).unref();
    server.close(() => {
      void cleanup()
        .catch(() => {})
        .finally(() => process.exit(0));
    });
    server.closeIdleConnections();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}
