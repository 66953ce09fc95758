import type { Server } from "node:http";

/**
 * Under the Kubernetes default of 30 s (terminationGracePeriodSeconds in the stamps): what is
 * still running then is cut, and the kubelet's SIGKILL must not be the one to do it.
 */
export const DRAIN_SECONDS = 25;

/**
 * Runs `stop` once, on the first SIGTERM or SIGINT; later ones are ignored while it runs. The
 * listeners stay registered (not `once`): signal-exit (loaded by execa) re-raises a signal it
 * sees with no other listener left, which killed a replica in the middle of draining.
 */
export function onStopSignal(stop: () => unknown): void {
  let stopping = false;
  const once = () => {
    if (stopping) return;
    stopping = true;
    void stop();
  };
  process.on("SIGTERM", once);
  process.on("SIGINT", once);
}

/**
 * On SIGTERM (or Ctrl-C) stop accepting connections, let requests in flight finish, then run
 * `cleanup` (pools, watchers) and exit 0; exit 1 if draining outlasts `drainSeconds`.
 */
export function drainOnSignal(
  server: Server,
  cleanup: () => Promise<unknown> = async () => {},
  drainSeconds = DRAIN_SECONDS,
): void {
  onStopSignal(() => {
    setTimeout(() => process.exit(1), drainSeconds * 1000).unref();
    server.close(() => {
      void cleanup()
        .catch(() => {})
        .finally(() => process.exit(0));
    });
    server.closeIdleConnections();
  });
}
