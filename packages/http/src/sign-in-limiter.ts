/** How many failed sign-ins a key may have in a window before it must wait for the window's end. */
export interface SignInLimit {
  readonly failures: number;
  readonly windowMs: number;
}

interface Window {
  failures: number;
  resetAt: number;
}

/**
 * Failed sign-ins counted per account (slows guessing one person's password) and per client
 * address (slows trying one password on many accounts), each in a fixed window; a key over its
 * limit is refused until its window ends, before any password is hashed. A success clears its
 * account's count. Kept in memory, one per replica, bounded by `maxKeys` (oldest forgotten first):
 * behind N replicas an attacker gets N times the allowance, still far from a useful guess rate.
 */
export class SignInLimiter {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limits: { readonly account: SignInLimit; readonly address: SignInLimit },
    private readonly opts: { readonly maxKeys?: number; readonly now?: () => number } = {},
  ) {}

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  private current(key: string): Window | undefined {
    const window = this.windows.get(key);
    if (window && window.resetAt <= this.now()) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  /** Seconds to wait before trying again, or undefined when this attempt may go ahead. */
  refusal(account: string, address: string): number | undefined {
    const waits = [
      [`account:${account.toLowerCase()}`, this.limits.account],
      [`address:${address}`, this.limits.address],
    ] as const;
    let wait: number | undefined;
    for (const [key, limit] of waits) {
      const window = this.current(key);
      if (window && window.failures >= limit.failures) {
        const seconds = Math.ceil((window.resetAt - this.now()) / 1000);
        wait = Math.max(wait ?? 0, seconds);
      }
    }
    return wait;
  }

  failed(account: string, address: string): void {
    this.count(`account:${account.toLowerCase()}`, this.limits.account);
    this.count(`address:${address}`, this.limits.address);
  }

  succeeded(account: string): void {
    this.windows.delete(`account:${account.toLowerCase()}`);
  }

  private count(key: string, limit: SignInLimit): void {
    const window = this.current(key) ?? { failures: 0, resetAt: this.now() + limit.windowMs };
    window.failures += 1;
    // Re-inserted so the map's order is by last failure: the oldest key is the first forgotten.
    this.windows.delete(key);
    this.windows.set(key, window);
    const max = this.opts.maxKeys ?? 100_000;
    while (this.windows.size > max) {
      const oldest = this.windows.keys().next().value;
      if (oldest === undefined) break;
      this.windows.delete(oldest);
    }
  }
}

/** The defaults both web apps' sign-ins use: 10 wrong passwords per account, 100 per address, per 15 minutes. */
export const signInLimits = {
  account: { failures: 10, windowMs: 15 * 60_000 },
  address: { failures: 100, windowMs: 15 * 60_000 },
} as const;
