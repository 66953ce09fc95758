import {
  OPERATION_DEADLINE_SECONDS,
  type OperationKind,
  POSTGRES_SESSION_TIMEOUTS,
  TenantSpec,
} from "@dotmac/contracts";
import type { PlatformDb } from "@dotmac/platform-db";
import PgBoss from "pg-boss";
import type { Logger } from "pino";
import { tenantCredential } from "../services/tenant-credentials.ts";
import type { StoredEvent } from "./events.ts";
import { runFleet } from "./fleet.ts";
import { RunLease } from "./run-lease.ts";
import {
  RunFailure,
  type RunRequest,
  type RunResult,
  runOnStack,
  type StackSettings,
} from "./stack-runner.ts";
import { type OperationRow, OperationStore, specOf } from "./store.ts";

export interface EngineOptions {
  readonly db: PlatformDb;
  readonly databaseUrl: string;
  readonly settings: StackSettings;
  readonly concurrency: number;
  readonly maxAttempts: number;
  readonly leaseSeconds: number;
  /** Per kind, where not OPERATION_DEADLINE_SECONDS'. */
  readonly deadlines?: Partial<Record<OperationKind, number>> | undefined;
  /** On stop, how long runs in flight may go on before they are cancelled and handed back. */
  readonly shutdownGraceSeconds?: number;
  readonly log: Logger;
  /** The stack runner; tests of the HTTP surface pass one that records instead of deploying. */
  readonly runner?: (settings: StackSettings, req: RunRequest) => Promise<RunResult>;
  readonly onFinished?: (op: OperationRow, outcome: string) => void;
}

const STACK_QUEUE = "stack-operations";

/** Why a run was interrupted, as its AbortSignal's reason. */
type StopReason = "cancel" | "lease" | "shutdown" | "deadline";
const reasonOf = (signal: AbortSignal): StopReason | undefined =>
  signal.aborted ? (signal.reason as StopReason) : undefined;

/** How long a run may still take to end once interrupted (a cancelled `pulumi up` winds down). */
const WIND_DOWN_MS = 15_000;
const FLEET_QUEUE = "fleet-operations";

/**
 * Runs operations from a Postgres-backed queue (pg-boss). Every replica runs one of these; the
 * queue hands each job to one of them, the operations table decides whether it may start now,
 * and leases let the survivors pick up what a dead replica was running.
 */
export class Engine {
  readonly store: OperationStore;
  private boss: PgBoss | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly running = new Map<string, AbortController>();
  private readonly workers: Promise<void>[] = [];
  private stopping = false;

  constructor(private readonly opts: EngineOptions) {
    this.store = new OperationStore(opts.db, opts.leaseSeconds);
  }

  get activeRuns(): number {
    return this.running.size;
  }

  async start(): Promise<void> {
    const boss = new PgBoss({
      connectionString: this.opts.databaseUrl,
      schema: "pgboss",
      max: 4,
      ...POSTGRES_SESSION_TIMEOUTS,
    });
    boss.on("error", (error) => this.opts.log.error({ err: error.message }, "queue error"));
    await boss.start();
    for (const name of [STACK_QUEUE, FLEET_QUEUE]) {
      // "short": one waiting job per operation, so a kick repeated by the sweeper is harmless.
      await boss.createQueue(name, { name, policy: "short", retryLimit: 0, expireInSeconds: 12 * 3600 });
    }
    this.boss = boss;
    for (let i = 0; i < this.opts.concurrency; i++) this.workers.push(this.work(boss, STACK_QUEUE));
    this.workers.push(this.work(boss, FLEET_QUEUE));
    await this.sweep();
    this.sweeper = setInterval(() => void this.sweep(), Math.max(1000, (this.opts.leaseSeconds * 1000) / 3));
  }

  /**
   * Stops taking work and lets runs in flight finish within the grace; those still running then
   * are cancelled and handed back to the queue without spending an attempt. A run that will not
   * end even then is left to its lease, and a survivor retries it.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.sweeper);
    const workers = Promise.all(this.workers);
    const graceMs = (this.opts.shutdownGraceSeconds ?? 15) * 1000;
    if (this.running.size > 0) {
      this.opts.log.info({ runs: this.running.size, graceMs }, "draining: waiting for runs in flight");
    }
    if (!(await settlesWithin(workers, graceMs))) {
      for (const controller of this.running.values()) controller.abort("shutdown" satisfies StopReason);
      await settlesWithin(workers, WIND_DOWN_MS);
    }
    await this.boss?.stop({ graceful: true, wait: true, timeout: 15_000 });
  }

  /**
   * One worker: takes a job, runs its operation, marks the job done. Our own loop, not pg-boss's
   * work(): that leaves its completion's rejection unhandled, so a database blip at that moment
   * would end the process (Node exits on an unhandled rejection).
   */
  private async work(boss: PgBoss, queue: string): Promise<void> {
    while (!this.stopping) {
      let job: PgBoss.Job<{ operationId: string }> | undefined;
      try {
        [job] = await boss.fetch<{ operationId: string }>(queue, { batchSize: 1 });
      } catch (error) {
        this.opts.log.warn({ err: (error as Error).message, queue }, "queue fetch failed");
      }
      if (!job) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      try {
        await this.handle(job.data.operationId);
        await boss.complete(queue, job.id);
      } catch (error) {
        this.opts.log.error({ err: (error as Error).message, queue }, "operation job failed");
        await boss.fail(queue, job.id).catch(() => {});
      }
    }
  }

  /** Tells the queue an operation may be ready; duplicates are dropped by the queue. */
  async kick(operationId: string, kind: string): Promise<void> {
    if (!this.boss || this.stopping) return;
    await this.boss.send(
      kind === "fleet" ? FLEET_QUEUE : STACK_QUEUE,
      { operationId },
      { singletonKey: operationId },
    );
  }

  /** Interrupts a run on this replica, if it is here (other replicas see the flag at heartbeat). */
  interrupt(operationId: string): void {
    this.running.get(operationId)?.abort("cancel" satisfies StopReason);
  }

  private async sweep(): Promise<void> {
    try {
      const { requeued, failed } = await this.store.reapExpired(this.opts.maxAttempts);
      for (const op of requeued) {
        await this.emitter(
          op.id,
          await this.store.nextSeq(op.id),
        )({
          type: "status",
          payload: {
            status: "queued",
            message: `the replica running attempt ${op.attempt} stopped; retrying (at most ${this.opts.maxAttempts} attempts)`,
          },
        });
        this.opts.log.warn(
          { operationId: op.id, attempt: op.attempt },
          "operation recovered from a lapsed lease",
        );
      }
      for (const op of failed)
        this.opts.log.error({ operationId: op.id }, "operation failed after lapsed leases");
      for (const op of await this.store.runnable()) await this.kick(op.id, op.kind);
    } catch (error) {
      this.opts.log.error({ err: (error as Error).message }, "sweep failed");
    }
  }

  /**
   * Stores events in order; each call resolves once it and everything before it is stored. With
   * `attempt`, only while that attempt holds the operation.
   */
  private emitter(operationId: string, firstSeq: number, attempt?: number) {
    let seq = firstSeq;
    let chain = Promise.resolve();
    const emit = (event: StoredEvent) => {
      const n = seq++;
      chain = chain
        // Refused once the attempt has lost the operation: from then on every later one is too.
        .then(() => this.store.appendEvent(operationId, n, event, attempt))
        .catch((error) =>
          this.opts.log.error({ err: (error as Error).message, operationId }, "event not stored"),
        );
      return chain;
    };
    return emit;
  }

  /**
   * Renews the run's lease every third of it. The run is stopped when the operation is no longer
   * this attempt's, when cancelling is asked, or when two thirds of a lease pass without a renewal
   * (cut off from the database, or frozen): by then the lease has a third left, and the reaper
   * adds a grace, so it ends before any other attempt may start.
   */
  private keepLease(lease: RunLease, controller: AbortController, since: number, log: Logger) {
    const leaseMs = this.opts.leaseSeconds * 1000;
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

  private async handle(operationId: string): Promise<void> {
    if (this.stopping) return;
    const since = Date.now();
    const op = await this.store.claim(operationId);
    if (!op) return;
    const controller = new AbortController();
    this.running.set(op.id, controller);
    const log = this.opts.log.child({ operationId: op.id, kind: op.kind, attempt: op.attempt });
    let lease: RunLease | undefined;
    let watch: ReturnType<Engine["keepLease"]> | undefined;
    let finished = false;
    const kind = op.kind as OperationKind;
    const deadlineSeconds = this.opts.deadlines?.[kind] ?? OPERATION_DEADLINE_SECONDS[kind];
    const deadline = setTimeout(
      () => controller.abort("deadline" satisfies StopReason),
      deadlineSeconds * 1000,
    );
    try {
      lease = RunLease.open(this.opts.databaseUrl, op, this.opts.leaseSeconds);
      watch = this.keepLease(lease, controller, since, log);
      finished = await this.run(
        op,
        lease,
        controller,
        watch.lost,
        log,
        deadlineMessage(kind, deadlineSeconds),
      );
    } finally {
      clearTimeout(deadline);
      watch?.stop();
      // Only now, with the run's processes ended, may the next attempt have the stack.
      await lease?.close();
      if (this.running.get(op.id) === controller) this.running.delete(op.id);
    }
    if (finished && op.tenantId) {
      const next = await this.store.nextQueued(op.tenantId);
      if (next) await this.kick(next, "update");
    }
  }

  /**
   * A run cut short by this replica's shutdown goes back in line; the attempt does not count
   * against the limit, since nothing went wrong with it. The stack's advisory lock is released
   * only after this (the next attempt waits for it), and that attempt runs as a recovery.
   */
  private async handBack(op: OperationRow, emit: ReturnType<Engine["emitter"]>, log: Logger) {
    await emit({
      type: "status",
      payload: {
        status: "queued",
        message: "handed back by a replica shutting down; another replica continues it (no attempt spent)",
      },
    });
    if (await this.store.handBack(op)) log.warn("interrupted by shutdown; handed back to the queue");
    else log.warn("interrupted by shutdown; the operation had already moved on");
  }

  /** Runs a claimed operation to its end; false when it was left for another attempt. */
  private async run(
    op: OperationRow,
    lease: RunLease,
    controller: AbortController,
    lost: () => boolean,
    log: Logger,
    /** What the operation fails with when its deadline ends the run. */
    deadlineError: string,
  ): Promise<boolean> {
    const emit = this.emitter(op.id, await this.store.nextSeq(op.id), op.attempt);
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
        const result = await runFleet(this, op, controller.signal, emit);
        const reason = reasonOf(controller.signal);
        // A retried rollout picks up the children it started: it can be handed back too.
        if (reason === "shutdown") {
          await this.handBack(op, emit, log);
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
        const tenant = op.tenantId ? await this.store.tenant(op.tenantId) : undefined;
        // A preview of an onboarding has no tenant yet: only the spec it was asked with.
        const unborn = !op.tenantId && op.kind === "preview";
        if (!tenant && !unborn) throw new RunFailure("the operation's tenant no longer exists");
        // A run that died, failed or was cancelled may have left the stack locked and its state
        // behind the cluster. We hold the stack's advisory lock: no run of ours is on it.
        const recovering =
          op.attempt > 1 || (tenant ? await this.store.lastEndedBadly(tenant.id, op.id) : false);
        const runner = this.opts.runner ?? runOnStack;
        const result = await runner(this.opts.settings, {
          kind: op.kind as RunRequest["kind"],
          spec: tenant ? specOf(op, tenant) : TenantSpec.parse((op.request as { spec: unknown }).spec),
          unborn,
          suspended:
            op.kind === "suspend" ? true : op.kind === "resume" ? false : tenant?.status === "suspended",
          recovering,
          signal: controller.signal,
          onEvent: (event) => void emit(event),
          ...(tenant ? { credential: (current) => tenantCredential(this.opts.db, tenant.id, current) } : {}),
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
        await this.handBack(op, emit, log);
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
    if (!(await this.store.finish(op, outcome, fields))) {
      log.warn("finished after losing its lease: the operation is another attempt's, nothing written");
      return false;
    }
    log.info({ outcome }, "operation finished");
    this.opts.onFinished?.(op, outcome);
    return true;
  }
}

function deadlineMessage(kind: string, seconds: number): string {
  const span = seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
  return `exceeded the ${span} deadline of a ${kind} operation; the run was cancelled`;
}

/** Whether `promise` settled within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
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
