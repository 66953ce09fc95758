/**
 * RFC 5080 §2.2.2 duplicate detection: a retransmitted request (same source, identifier and
 * authenticator) gets the response already sent, without being processed again. Bounded in size
 * and age, so a flood of distinct packets cannot grow it without limit.
 */
export class DuplicateCache {
  private readonly entries = new Map<string, { at: number; response: Promise<Buffer | undefined> }>();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly ttlMs = 5_000,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The answer for this request: the earlier one for a retransmission, else compute(). */
  answer(
    key: string,
    compute: () => Promise<Buffer | undefined>,
  ): { duplicate: boolean; response: Promise<Buffer | undefined> } {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return { duplicate: true, response: hit.response };
    const response = compute();
    this.entries.delete(key);
    this.entries.set(key, { at: now, response });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return { duplicate: false, response };
  }
}
