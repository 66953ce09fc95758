import { OPERATION_DEADLINE_SECONDS, type OperationKind } from "@dotmac/contracts";
import type { PlatformDb } from "@dotmac/platform-db";
import { POSTGRES_SESSION_TIMEOUTS } from "@dotmac/postgres/pool";
import PgBoss from "pg-boss";
import type { Logger } from "pino";
import { type AttemptContext, eventEmitter, runAttempt } from "./attempt.ts";
import { deadlineMessage, type StopReason, settlesWithin, watchLease } from "./interruptions.ts";
import { RunLease } from "./run-lease.ts";
import { type RunRequest, type RunResult, runOnStack, type StackSettings } from "./stack-runner.ts";
import { type OperationRow, OperationStore } from "./store.ts";

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
        await eventEmitter(
          this.store,
          this.opts.log,
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

  private attempt(log: Logger): AttemptContext {
    return {
      store: this.store,
      kick: (id, kind) => this.kick(id, kind),
      db: this.opts.db,
      settings: this.opts.settings,
      runner: this.opts.runner ?? runOnStack,
      log,
      onFinished: this.opts.onFinished,
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
    let watch: ReturnType<typeof watchLease> | undefined;
    let finished = false;
    const kind = op.kind as OperationKind;
    const deadlineSeconds = this.opts.deadlines?.[kind] ?? OPERATION_DEADLINE_SECONDS[kind];
    const deadline = setTimeout(
      () => controller.abort("deadline" satisfies StopReason),
      deadlineSeconds * 1000,
    );
    try {
      lease = RunLease.open(this.opts.databaseUrl, op, this.opts.leaseSeconds);
      watch = watchLease(lease, controller, since, this.opts.leaseSeconds, log);
      finished = await runAttempt(
        this.attempt(log),
        op,
        lease,
        controller,
        watch.lost,
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
}
