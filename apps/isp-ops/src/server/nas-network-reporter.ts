import { errorMessage, NasNetworksResult } from "@dotmac/contracts";
import { NAS_CLIENTS_CHANNEL, nasClients, type TenantDb } from "@dotmac/tenant-db";
import { asc } from "drizzle-orm";
import { audit } from "./audit.ts";

/** Where the platform stands on this tenant's NAS networks, as the RADIUS page shows it. */
export type NasNetworkReport =
  | { readonly state: "idle" }
  | { readonly state: "reporting"; readonly nasCidrs: readonly string[] }
  | {
      readonly state: "accepted";
      readonly nasCidrs: readonly string[];
      readonly at: Date;
      /** The platform update that opens RADIUS to them; null when they were already open. */
      readonly operationId: string | null;
    }
  | {
      readonly state: "failed";
      readonly nasCidrs: readonly string[];
      readonly at: Date;
      readonly reason: string;
    };

const RETRY_MS = [5_000, 30_000, 120_000, 300_000];

/**
 * Tells the platform the networks of this tenant's NAS devices whenever they change (any writer:
 * the staff UI, an import, psql; every replica hears the table's NOTIFY and the platform answers
 * all but the first "no change"), so the tenant's NetworkPolicy lets exactly those devices reach
 * RADIUS. At start it reports only once there is a NAS: until then the networks the platform
 * admin gave at onboarding stand. A failed report is retried with backoff, and shown to staff.
 */
export class NasNetworkReporter {
  private report: NasNetworkReport = { state: "idle" };
  private running?: Promise<void>;
  private again = false;
  private retry?: NodeJS.Timeout;
  private failures = 0;
  private unlisten?: () => Promise<void>;

  constructor(
    private readonly opts: {
      readonly db: TenantDb;
      readonly url: string;
      readonly token: string;
      readonly slug: string;
      readonly onError?: (error: unknown) => void;
      /** Waits between failed reports, the last one repeated. */
      readonly retryMs?: readonly number[];
    },
  ) {}

  get status(): NasNetworkReport {
    return this.report;
  }

  async start(): Promise<void> {
    let listening = false;
    const { unlisten } = await this.opts.db.$client.listen(
      NAS_CLIENTS_CHANNEL,
      () => this.schedule(),
      // A re-established connection may have missed notifications: report what is there now.
      () => {
        if (listening) this.schedule();
        listening = true;
      },
    );
    this.unlisten = unlisten;
    if ((await this.networks()).length > 0) this.schedule();
  }

  async stop(): Promise<void> {
    clearTimeout(this.retry);
    await this.unlisten?.();
    await this.running;
  }

  /** Reports now, or right after the report in flight (changes during it are not lost). */
  schedule(): Promise<void> {
    clearTimeout(this.retry);
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.send()
      .catch((error) => this.opts.onError?.(error))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          void this.schedule();
        }
      });
    return this.running;
  }

  private async networks(): Promise<string[]> {
    const rows = await this.opts.db
      .selectDistinct({ network: nasClients.network })
      .from(nasClients)
      .orderBy(asc(nasClients.network));
    return rows.map((r) => r.network);
  }

  private async send(): Promise<void> {
    const nasCidrs = await this.networks();
    this.report = { state: "reporting", nasCidrs };
    const url = `${this.opts.url}/api/platform/v1/tenants/${this.opts.slug}/nas-networks`;
    let reason: string;
    try {
      const res = await fetch(url, {
        method: "PUT",
        headers: { authorization: `Bearer ${this.opts.token}`, "content-type": "application/json" },
        body: JSON.stringify({ nasCidrs }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await res.json().catch(() => ({}))) as { detail?: string };
      if (res.status === 200 || res.status === 202) {
        const result = NasNetworksResult.parse(body);
        this.failures = 0;
        this.report = { state: "accepted", nasCidrs, at: new Date(), operationId: result.operationId };
        // Recorded by the replica whose report changed something; the others' were no change.
        if (result.operationId) {
          await audit(
            this.opts.db,
            { system: "nas-network-reporter" },
            {
              action: "platform.nas-networks.report",
              targetType: "tenant",
              targetId: this.opts.slug,
              after: { nasCidrs, operationId: result.operationId },
            },
          );
        }
        return;
      }
      reason = `the platform answered ${res.status}${body.detail ? `: ${body.detail}` : ""}`;
    } catch (error) {
      reason = `the platform is unreachable (${errorMessage(error)})`;
    }
    this.report = { state: "failed", nasCidrs, at: new Date(), reason };
    const waits = this.opts.retryMs ?? RETRY_MS;
    const delay = waits[Math.min(this.failures, waits.length - 1)] ?? 300_000;
    this.failures += 1;
    this.retry = setTimeout(() => void this.schedule(), delay);
    this.retry.unref();
  }
}
