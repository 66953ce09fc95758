import { POSTGRES_SESSION_TIMEOUTS } from "@dotmac/postgres/pool";
import postgres from "postgres";

/** The operation a run holds, as claimed: its attempt number is the fencing token. */
export interface LeasedOperation {
  readonly id: string;
  readonly attempt: number;
  readonly tenantId: string | null;
}

/**
 * One attempt's hold on its operation and its stack, on a database session of its own for the
 * whole run.
 *
 * - The operation's lease is renewed only while the row still carries this attempt's number: once
 *   another replica has taken the operation over, this run can no longer renew, and stops.
 * - A session-level advisory lock on the stack is held from before the run starts until after it
 *   has ended. Postgres releases it only when the session ends, so a replica that froze (SIGSTOP)
 *   or lost the network keeps it until it is provably gone: the next attempt waits for it before
 *   it touches the stack (or clears the stack's Pulumi lock). Each renewal checks that it still
 *   runs in the session that took the lock (the client reconnects silently after a drop).
 *
 * The server drops the session of a peer that vanished within about 20 s (TCP keepalives), so a
 * partition does not hold a stack for the kernel's default two hours. A client of one connection
 * rather than a connection reserved from the pool: postgres.js 3.4.9 throws an uncaught
 * TypeError when a reserved connection is written to after its socket closed.
 */
export class RunLease {
  private lockedBy: number | undefined;

  private constructor(
    private readonly sql: postgres.Sql,
    private readonly op: LeasedOperation,
    private readonly leaseSeconds: number,
  ) {}

  static open(databaseUrl: string, op: LeasedOperation, leaseSeconds: number): RunLease {
    const sql = postgres(databaseUrl, {
      max: 1,
      idle_timeout: 0,
      max_lifetime: null,
      onnotice: () => {},
      connection: {
        ...POSTGRES_SESSION_TIMEOUTS,
        application_name: "dotmac-run-lease",
        tcp_keepalives_idle: 10,
        tcp_keepalives_interval: 3,
        tcp_keepalives_count: 3,
      },
    });
    return new RunLease(sql, op, leaseSeconds);
  }

  /**
   * Extends the lease if the operation is still this attempt's and the stack's lock still held;
   * says whether cancelling was asked.
   */
  async renew(): Promise<{ alive: boolean; cancelRequested: boolean }> {
    const [row] = await this.sql<{ cancel_requested: boolean; pid: number }[]>`
      update operations
         set lease_expires_at = now() + make_interval(secs => ${this.leaseSeconds})
       where id = ${this.op.id} and status = 'running' and attempt = ${this.op.attempt}
      returning cancel_requested_at is not null as cancel_requested, pg_backend_pid() as pid`;
    const holds = this.lockedBy === undefined || row?.pid === this.lockedBy;
    return { alive: row !== undefined && holds, cancelRequested: row?.cancel_requested ?? false };
  }

  /**
   * Takes the stack's advisory lock, waiting while another session (an earlier attempt that has
   * not yet provably ended) holds it. `onWait` is told once, when the wait begins.
   */
  async lockStack(signal: AbortSignal, onWait: () => void): Promise<void> {
    if (!this.op.tenantId) return;
    let told = false;
    while (!signal.aborted) {
      const [row] = await this.sql<{ locked: boolean; pid: number }[]>`
        select pg_try_advisory_lock(hashtextextended(${`dotmac-stack:${this.op.tenantId}`}, 0)) as locked,
               pg_backend_pid() as pid`;
      if (row?.locked) {
        this.lockedBy = row.pid;
        return;
      }
      if (!told) onWait();
      told = true;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** Ends the session: Postgres releases the stack's lock with it. */
  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 }).catch(() => {});
  }
}
