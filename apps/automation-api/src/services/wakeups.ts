import { OPERATION_CHANNEL, type PlatformDb } from "@dotmac/platform-db";

/** Follows one operation: `next` returns at its next event or status change (true), or after `ms`. */
export interface OperationFollower {
  next(ms: number): Promise<boolean>;
  close(): void;
}

interface Followed {
  /** Notifications seen for the operation since it was first followed. */
  version: number;
  followers: number;
  wake: Set<() => void>;
}

/**
 * Wakes whoever follows an operation when it has a new event or status: one LISTEN per pool (a
 * connection of its own), fanned out by operation id. A notification that comes while a
 * follower is busy (reading what the last one brought) is counted, so its next wait returns at
 * once; and a wait ends after `ms` regardless, so one lost while the listener reconnects costs a
 * delay, never a stream that stops.
 */
class OperationWakeups {
  private readonly followed = new Map<string, Followed>();
  readonly listening: Promise<unknown>;

  constructor(db: PlatformDb) {
    this.listening = db.$client.listen(OPERATION_CHANNEL, (id) => {
      const f = this.followed.get(id);
      if (!f) return;
      f.version += 1;
      for (const wake of f.wake) wake();
      f.wake.clear();
    });
  }

  async follow(operationId: string): Promise<OperationFollower> {
    await this.listening;
    const f = this.followed.get(operationId) ?? { version: 0, followers: 0, wake: new Set() };
    f.followers += 1;
    this.followed.set(operationId, f);
    let seen = f.version;
    let closed = false;
    return {
      next: (ms) =>
        new Promise<boolean>((resolve) => {
          if (f.version !== seen || closed) {
            seen = f.version;
            return resolve(true);
          }
          const done = (woken: boolean) => () => {
            clearTimeout(timer);
            f.wake.delete(wake);
            seen = f.version;
            resolve(woken);
          };
          const wake = done(true);
          const timer = setTimeout(done(false), ms);
          f.wake.add(wake);
        }),
      close: () => {
        if (closed) return;
        closed = true;
        f.followers -= 1;
        if (f.followers === 0) this.followed.delete(operationId);
      },
    };
  }
}

const byPool = new WeakMap<PlatformDb, OperationWakeups>();

/** The wakeups of this pool's database, listening from the first time they are asked for. */
export function operationWakeups(db: PlatformDb): OperationWakeups {
  let wakeups = byPool.get(db);
  if (!wakeups) {
    const made = new OperationWakeups(db);
    byPool.set(db, made);
    // A LISTEN that could not start (the database was down) is tried again by the next caller.
    made.listening.catch(() => {
      if (byPool.get(db) === made) byPool.delete(db);
    });
    wakeups = made;
  }
  return wakeups;
}
