import type { Logger } from "pino";
import type { RunLease } from "./run-lease.ts";

/** Why a run was interrupted, as its AbortSignal's reason. */
export type StopReason = "cancel" | "lease" | "shutdown" | "deadline";

export const reasonOf = (signal: AbortSignal): StopReason | undefined =>
  signal.aborted ? (signal.reason as StopReason) : undefined;

/**
 * Renews the run's lease every third of it. The run is stopped when the operation is no longer
 * this attempt's, when cancelling is asked, or when two thirds of a lease pass without a renewal
 * (cut off from the database, or frozen): by then the lease has a third left, and the reaper
 * adds a grace, so it ends before any other attempt may start.
 */
export function watchLease(
  lease: RunLease,
  controller: AbortController,
  since: number,
  leaseSeconds: number,
  log: Logger,
) {
  const leaseMs = leaseSeconds * 1000;
  let validUntil = since + leaseMs;
  let lost = false;
  const lose = (why: string) => {
    if (!lost) log.error(`${why}: stopping the run`);
    lost = true;
    controller.abort("lease" satisfies StopReason);
  };
  const beat = setInterval(async () => {
    const sent = Date.now();
    try {
      const renewed = await lease.renew();
      if (!renewed.alive) return lose("the operation is no longer this attempt's");
      validUntil = sent + leaseMs;
      if (renewed.cancelRequested) controller.abort("cancel" satisfies StopReason);
    } catch (error) {
      log.warn({ err: (error as Error).message }, "lease renewal failed");
    }
  }, leaseMs / 3);
  const watchdog = setInterval(
    () => {
      if (Date.now() > validUntil - leaseMs / 3) lose("the lease could not be renewed in time");
    },
    Math.min(1000, leaseMs / 10),
  );
  return {
    lost: () => lost,
    stop: () => {
      clearInterval(beat);
      clearInterval(watchdog);
    },
  };
}

/** What an operation fails with when its deadline ends the run. */
export function deadlineMessage(kind: string, seconds: number): string {
  const span = seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
  return `exceeded the ${span} deadline of a ${kind} operation; the run was cancelled`;
}

/** Whether `promise` settled within `ms`. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
