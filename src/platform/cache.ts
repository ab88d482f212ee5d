// A small in-process cache with a time-to-live and a size bound. Every process holds its own copy, so
// anything cached here must tolerate being stale for at most the TTL on other processes; the process
// that makes a change clears its own copy at once.
export class TtlCache<V> {
  #entries = new Map<string, { value: V; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 5_000,
  ) {}

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (Date.now() - entry.at >= this.ttlMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V): void {
    if (this.#entries.size >= this.maxEntries) this.#entries.clear();
    this.#entries.set(key, { value, at: Date.now() });
  }

  /** The cached value, or the produced one (then cached). */
  async through(key: string, produce: () => Promise<V> | V): Promise<V> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const value = await produce();
    this.set(key, value);
    return value;
  }

  clear(): void {
    this.#entries.clear();
  }
}
