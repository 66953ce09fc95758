import { errorMessage, type RuntimeFeature, TenantEntitlements } from "@dotmac/contracts";

/** Where isp-ops stands on what the platform grants it, as its settings page shows it. */
export type EntitlementsStatus =
  /** No platform API configured (a standalone isp-ops): every runtime feature on, no licence. */
  | { readonly state: "unmanaged" }
  /** Not heard yet: runtime features on until the platform says otherwise. */
  | { readonly state: "pending"; readonly error?: string }
  | {
      readonly state: "current" | "stale";
      readonly entitlements: TenantEntitlements;
      /** When the platform last answered. */
      readonly at: Date;
      /** Why the last poll failed, while the values kept are those of `at`. */
      readonly error?: string;
    };

const POLL_MS = 5_000;

/**
 * The tenant's flags, plan and licence, polled from the automation API with the tenant's own
 * credential: a flag changed there reaches every replica within one poll, and while the API is
 * unreachable the last values it gave stand (a platform outage must not open or shut the portal).
 */
export class PlatformEntitlements {
  private last?: { entitlements: TenantEntitlements; at: Date };
  private error?: string;
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private readonly listeners: ((entitlements: TenantEntitlements) => Promise<unknown>)[] = [];

  constructor(
    private readonly opts: {
      readonly url: string;
      readonly token: string;
      readonly slug: string;
      readonly pollMs?: number;
    },
  ) {}

  /** Polls now and then every few seconds, without holding the process open. */
  start(): Promise<void> {
    if (!this.timer) {
      this.timer = setInterval(() => void this.poll(), this.opts.pollMs ?? POLL_MS);
      this.timer.unref();
    }
    return this.poll();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  get status(): EntitlementsStatus {
    if (!this.last) return { state: "pending", ...(this.error ? { error: this.error } : {}) };
    return {
      state: this.error ? "stale" : "current",
      ...this.last,
      ...(this.error ? { error: this.error } : {}),
    };
  }

  /** Called with each answer the platform gives; what it throws is logged, never the poller's. */
  onHeard(listener: (entitlements: TenantEntitlements) => Promise<unknown>): void {
    this.listeners.push(listener);
  }

  /** A runtime feature's flag as last heard; on until the platform has said otherwise. */
  has(feature: RuntimeFeature): boolean {
    return this.last?.entitlements.flags[feature] ?? true;
  }

  /** One request at a time: a slow platform gets no pile of polls. */
  poll(): Promise<void> {
    this.polling ??= this.fetch().finally(() => {
      this.polling = undefined;
    });
    return this.polling;
  }

  private async fetch(): Promise<void> {
    const url = `${this.opts.url}/api/platform/v1/tenants/${this.opts.slug}/entitlements`;
    try {
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${this.opts.token}` },
        signal: AbortSignal.timeout(Math.min(this.opts.pollMs ?? POLL_MS, 10_000)),
      });
      if (res.status !== 200) {
        await res.body?.cancel();
        throw new Error(`the platform answered ${res.status}`);
      }
      this.last = { entitlements: TenantEntitlements.parse(await res.json()), at: new Date() };
      this.error = undefined;
    } catch (error) {
      this.error = errorMessage(error);
      return;
    }
    const heard = this.last.entitlements;
    for (const listener of this.listeners) {
      await listener(heard).catch((error: unknown) => console.error("entitlements listener failed", error));
    }
  }
}
