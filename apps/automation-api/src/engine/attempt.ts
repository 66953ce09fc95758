import type { StoredEvent } from "@dotmac/contracts";
import { TenantSpec } from "@dotmac/contracts";
import type { PlatformDb } from "@dotmac/platform-db";
import type { Logger } from "pino";
import { tenantCredential } from "../services/tenant-credentials.ts";
import { type FleetEngine, runFleet } from "./fleet.ts";
import { reasonOf } from "./interruptions.ts";
import { RunFailure } from "./run-failure.ts";
import type { RunLease } from "./run-lease.ts";
import type { RunRequest, RunResult, StackSettings } from "./stack-runner.ts";
import { type OperationRow, type OperationStore, specOf } from "./store.ts";

/** What one attempt at an operation runs with, given by the engine that claimed it. */
export interface AttemptContext extends FleetEngine {
  readonly db: PlatformDb;
  readonly settings: StackSettings;
  readonly runner: (settings: StackSettings, req: RunRequest) => Promise<RunResult>;
  readonly log: Logger;
  readonly onFinished?: ((op: OperationRow, outcome: string) => void) | undefined;
}

export type Emit = (event: StoredEvent) => Promise<void>;

/**
 * Stores events in order; each call resolves once it and everything before it is stored. With
 * `attempt`, only while that attempt holds the operation.
 */
export function eventEmitter(
  store: OperationStore,
  log: Logger,
  operationId: string,
  firstSeq: number,
  attempt?: number,
): Emit {
  let seq = firstSeq;
  let chain = Promise.resolve();
  return (event) => {
    const n = seq++;
    chain = chain
      // Refused once the attempt has lost the operation: from then on every later one is too.
      .then(() => store.appendEvent(operationId, n, event, attempt))
      .catch((error) => log.error({ err: (error as Error).message, operationId }, "event not stored"));
    return chain;
  };
}

/**
 * A run cut short by this replica's shutdown goes back in line; the attempt does not count
 * against the limit, since nothing went wrong with it. The stack's advisory lock is released
 * only after this (the next attempt waits for it), and that attempt runs as a recovery.
 */
async function handBack(store: OperationStore, op: OperationRow, emit: Emit, log: Logger) {
  await emit({
    type: "status",
    payload: {
      status: "queued",
      message: "handed back by a replica shutting down; another replica continues it (no attempt spent)",
    },
  });
  if (await store.handBack(op)) log.warn("interrupted by shutdown; handed back to the queue");
  else log.warn("interrupted by shutdown; the operation had already moved on");
}

/** Runs a claimed operation to its end; false when it was left for another attempt. */
export async function runAttempt(
  ctx: AttemptContext,
  op: OperationRow,
  lease: RunLease,
  controller: AbortController,
  lost: () => boolean,
  /** What the operation fails with when its deadline ends the run. */
  deadlineError: string,
): Promise<boolean> {
  const { store, log } = ctx;
  const emit = eventEmitter(store, log, op.id, await store.nextSeq(op.id), op.attempt);
  log.info("operation started");
  void emit({ type: "status", payload: { status: "running", message: `attempt ${op.attempt}` } });
  let outcome: "succeeded" | "failed" | "cancelled" = "failed";
  let fields: Parameters<OperationStore["finish"]>[2];
  try {
    await lease.lockStack(controller.signal, () => {
      log.warn("an earlier attempt may still hold the stack: waiting until its session ends");
      void emit({
        type: "status",
        payload: { status: "running", message: "waiting for an earlier attempt on this stack to end" },
      });
    });
    if (controller.signal.aborted) throw new RunFailure("cancelled");
    if (op.kind === "fleet") {
      const result = await runFleet(ctx, op, controller.signal, emit);
      const reason = reasonOf(controller.signal);
      // A retried rollout picks up the children it started: it can be handed back too.
      if (reason === "shutdown") {
        await handBack(store, op, emit, log);
        return false;
      }
      outcome = reason === "cancel" ? "cancelled" : reason || result.failed > 0 ? "failed" : "succeeded";
      const error =
        reason === "deadline"
          ? deadlineError
          : result.failed > 0
            ? `${result.failed} of ${result.total} tenants failed`
            : undefined;
      fields = { result, ...(error ? { error } : {}) };
    } else {
      const tenant = op.tenantId ? await store.tenant(op.tenantId) : undefined;
      // A preview of an onboarding has no tenant yet: only the spec it was asked with.
      const unborn = !op.tenantId && op.kind === "preview";
      if (!tenant && !unborn) throw new RunFailure("the operation's tenant no longer exists");
      // A run that died, failed or was cancelled may have left the stack locked and its state
      // behind the cluster. We hold the stack's advisory lock: no run of ours is on it.
      const recovering = op.attempt > 1 || (tenant ? await store.lastEndedBadly(tenant.id, op.id) : false);
      const result = await ctx.runner(ctx.settings, {
        kind: op.kind as RunRequest["kind"],
        spec: tenant ? specOf(op, tenant) : TenantSpec.parse((op.request as { spec: unknown }).spec),
        unborn,
        suspended:
          op.kind === "suspend" ? true : op.kind === "resume" ? false : tenant?.status === "suspended",
        recovering,
        signal: controller.signal,
        onEvent: (event) => void emit(event),
        ...(tenant ? { credential: (current) => tenantCredential(ctx.db, tenant.id, current) } : {}),
      });
      outcome = "succeeded";
      fields = {
        result: { ...(result.steps ? { steps: result.steps } : {}), changes: result.changes ?? {} },
        ...(result.outputs ? { outputs: result.outputs } : {}),
      };
    }
  } catch (error) {
    if (lost()) {
      log.warn("stopped after losing its lease; the operation is another attempt's");
      return false;
    }
    const reason = reasonOf(controller.signal);
    if (reason === "shutdown") {
      await handBack(store, op, emit, log);
      return false;
    }
    outcome = reason === "cancel" ? "cancelled" : "failed";
    const message =
      reason === "deadline"
        ? deadlineError
        : error instanceof RunFailure
          ? error.message
          : "internal error while running the operation";
    if (!(error instanceof RunFailure)) log.error({ err: (error as Error).message }, "operation crashed");
    fields = {
      error: outcome === "cancelled" ? "cancelled on request" : message,
      ...(error instanceof RunFailure && error.violations.length > 0
        ? { result: { violations: error.violations } }
        : {}),
    };
  }
  // The last event is written before the status changes, so a stream that sees the end has it all.
  await emit({
    type: "status",
    payload: { status: outcome, ...(fields.error ? { message: fields.error } : {}) },
  });
  if (!(await store.finish(op, outcome, fields))) {
    log.warn("finished after losing its lease: the operation is another attempt's, nothing written");
    return false;
  }
  log.info({ outcome }, "operation finished");
  ctx.onFinished?.(op, outcome);
  return true;
}
