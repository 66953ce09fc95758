import { TenantSpec } from "@dotmac/contracts";
import type { PlatformDb } from "@dotmac/platform-db";
import PgBoss from "pg-boss";
import type { Logger } from "pino";
import { tenantCredential } from "../services/tenant-credentials.ts";
import type { StoredEvent } from "./events.ts";
import { runFleet } from "./fleet.ts";
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
  readonly log: Logger;
  /** The stack runner; tests of the HTTP surface pass one that records instead of deploying. */
  readonly runner?: (settings: StackSettings, req: RunRequest) => Promise<RunResult>;
  readonly onFinished?: (op: OperationRow, outcome: string) => void;
}

const STACK_QUEUE = "stack-operations";
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
  private stopping = false;

  constructor(private readonly opts: EngineOptions) {
    this.store = new OperationStore(opts.db, opts.leaseSeconds);
  }

  get activeRuns(): number {
    return this.running.size;
  }

  async start(): Promise<void> {
    const boss = new PgBoss({ connectionString: this.opts.databaseUrl, schema: "pgboss", max: 4 });
    boss.on("error", (error) => this.opts.log.error({ err: error.message }, "queue error"));
    await boss.start();
    for (const name of [STACK_QUEUE, FLEET_QUEUE]) {
      // "short": one waiting job per operation, so a kick repeated by the sweeper is harmless.
      await boss.createQueue(name, { name, policy: "short", retryLimit: 0, expireInSeconds: 12 * 3600 });
    }
    this.boss = boss;
    const work = (queue: string) =>
      boss.work<{ operationId: string }>(
        queue,
        { batchSize: 1, pollingIntervalSeconds: 0.5 },
        async ([job]) => {
          if (job) await this.handle(job.data.operationId);
        },
      );
    for (let i = 0; i < this.opts.concurrency; i++) await work(STACK_QUEUE);
    await work(FLEET_QUEUE);
    await this.sweep();
    this.sweeper = setInterval(() => void this.sweep(), Math.max(1000, (this.opts.leaseSeconds * 1000) / 3));
  }

  /** Stops taking work; runs in flight are interrupted and left for the lease to hand over. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.sweeper);
    for (const controller of this.running.values()) controller.abort();
    await this.boss?.stop({ graceful: true, wait: true, timeout: 15_000 });
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
    this.running.get(operationId)?.abort();
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

  /** Stores events in order; each call resolves once it and everything before it is stored. */
  private emitter(operationId: string, firstSeq: number) {
    let seq = firstSeq;
    let chain = Promise.resolve();
    const emit = (event: StoredEvent) => {
      const n = seq++;
      chain = chain
        .then(() => this.store.appendEvent(operationId, n, event))
        .catch((error) =>
          this.opts.log.error({ err: (error as Error).message, operationId }, "event not stored"),
        );
      return chain;
    };
    return emit;
  }

  private async handle(operationId: string): Promise<void> {
    if (this.stopping) return;
    const op = await this.store.claim(operationId);
    if (!op) return;
    const controller = new AbortController();
    this.running.set(op.id, controller);
    const emit = this.emitter(op.id, await this.store.nextSeq(op.id));
    const heartbeat = setInterval(
      async () => {
        try {
          const beat = await this.store.heartbeat(op.id);
          if (!beat.alive || beat.cancelRequested) controller.abort();
        } catch (error) {
          this.opts.log.warn({ err: (error as Error).message, operationId: op.id }, "heartbeat failed");
        }
      },
      Math.max(500, (this.opts.leaseSeconds * 1000) / 3),
    );
    const log = this.opts.log.child({ operationId: op.id, kind: op.kind, attempt: op.attempt });
    log.info("operation started");
    void emit({ type: "status", payload: { status: "running", message: `attempt ${op.attempt}` } });
    let outcome: "succeeded" | "failed" | "cancelled" = "failed";
    let fields: Parameters<OperationStore["finish"]>[2];
    try {
      if (op.kind === "fleet") {
        const result = await runFleet(this, op, controller.signal, emit);
        outcome = controller.signal.aborted ? "cancelled" : result.failed > 0 ? "failed" : "succeeded";
        fields = {
          result,
          ...(result.failed > 0 ? { error: `${result.failed} of ${result.total} tenants failed` } : {}),
        };
      } else {
        const tenant = op.tenantId ? await this.store.tenant(op.tenantId) : undefined;
        // A preview of an onboarding has no tenant yet: only the spec it was asked with.
        const unborn = !op.tenantId && op.kind === "preview";
        if (!tenant && !unborn) throw new RunFailure("the operation's tenant no longer exists");
        const runner = this.opts.runner ?? runOnStack;
        const result = await runner(this.opts.settings, {
          kind: op.kind as RunRequest["kind"],
          spec: tenant ? specOf(op, tenant) : TenantSpec.parse((op.request as { spec: unknown }).spec),
          unborn,
          suspended:
            op.kind === "suspend" ? true : op.kind === "resume" ? false : tenant?.status === "suspended",
          recovering: op.attempt > 1,
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
      if (this.stopping && controller.signal.aborted) {
        // Shutting down: it stays `running` in the table; the lease lapses and a survivor retries.
        clearInterval(heartbeat);
        this.running.delete(op.id);
        log.warn("interrupted by shutdown; left for another replica");
        return;
      }
      outcome = controller.signal.aborted ? "cancelled" : "failed";
      const message =
        error instanceof RunFailure ? error.message : "internal error while running the operation";
      if (!(error instanceof RunFailure)) log.error({ err: (error as Error).message }, "operation crashed");
      fields = {
        error: outcome === "cancelled" ? "cancelled on request" : message,
        ...(error instanceof RunFailure && error.violations.length > 0
          ? { result: { violations: error.violations } }
          : {}),
      };
    }
    clearInterval(heartbeat);
    // The last event is written before the status changes, so a stream that sees the end has it all.
    await emit({
      type: "status",
      payload: { status: outcome, ...(fields.error ? { message: fields.error } : {}) },
    });
    try {
      await this.store.finish(op, outcome, fields);
    } finally {
      this.running.delete(op.id);
    }
    log.info({ outcome }, "operation finished");
    this.opts.onFinished?.(op, outcome);
    if (op.tenantId) {
      const next = await this.store.nextQueued(op.tenantId);
      if (next) await this.kick(next, "update");
    }
  }
}
