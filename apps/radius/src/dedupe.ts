type Entry = { at: number; response: Promise<Buffer | undefined> };

/**
 * RFC 5080 §2.2.2 duplicate detection: a retransmitted request (same source, identifier and
 * authenticator) gets the response already sent, without being processed again. Bounded in size
 * and age, so a flood of distinct packets cannot grow it without limit.
 *
 * Two generations instead of one map evicted oldest-first: deleting a Map's first keys one by one
 * leaves holes that every later "oldest" lookup walks again, which cost more than the logins.
 */
export class DuplicateCache {
  private current = new Map<string, Entry>();
  private previous = new Map<string, Entry>();
  private generationStarted = Date.now();

  constructor(
    private readonly maxEntries = 10_000,
    private readonly ttlMs = 5_000,
  ) {}

  get size(): number {
    return this.current.size + this.previous.size;
  }

  /** The answer for this request: the earlier one for a retransmission, else compute(). */
  answer(
    key: string,
    compute: () => Promise<Buffer | undefined>,
  ): { duplicate: boolean; response: Promise<Buffer | undefined> } {
    const now = Date.now();
    const hit = this.current.get(key) ?? this.previous.get(key);
    if (hit && now - hit.at < this.ttlMs) return { duplicate: true, response: hit.response };
    // A generation is retired once it is a TTL old or holds half the budget; the one before it,
    // older still, is dropped whole. Whatever is younger than the TTL stays unless flooded out.
    if (now - this.generationStarted >= this.ttlMs || this.current.size >= this.maxEntries / 2) {
      this.previous = this.current;
      this.current = new Map();
      this.generationStarted = now;
    }
    const response = compute();
    this.current.set(key, { at: now, response });
    return { duplicate: false, response };
  }
}
