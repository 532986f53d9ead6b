import "server-only";

export type LruCacheOptions = {
  /** Upper bound on entries; the least recently used entry is evicted beyond it. */
  maxEntries?: number;
  /** Lifetime of an entry from when it was set. Reads do not extend it, so a revoked key
   * stays usable from cache for at most ttlMs even if it is hit constantly. */
  ttlMs?: number;
  /** Injectable clock (ms) so tests can move time without sleeping. */
  now?: () => number;
};

type Entry<V> = { value: V; expiresAt: number };

/**
 * Bounded LRU with TTL. A Map iterates in insertion order, so re-inserting on read keeps the
 * least recently used entry first and eviction is O(1).
 */
export class LruCache<K, V> {
  readonly maxEntries: number;
  readonly ttlMs: number;
  private readonly now: () => number;
  private readonly map = new Map<K, Entry<V>>();

  constructor(options: LruCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.ttlMs = options.ttlMs ?? 30_000;
    this.now = options.now ?? Date.now;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1)
      throw new RangeError("maxEntries must be a positive integer");
    if (!(this.ttlMs > 0)) throw new RangeError("ttlMs must be positive");
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    if (this.now() >= entry.expiresAt) {
      this.map.delete(key);
      return undefined;
    }
    this.map.delete(key);
    this.map.set(key, entry);
    return entry.value;
  }

  /** Presence check that neither refreshes recency nor returns expired entries. */
  has(key: K): boolean {
    const entry = this.map.get(key);
    return entry !== undefined && this.now() < entry.expiresAt;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, { value, expiresAt: this.now() + this.ttlMs });
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.map.delete(oldest.value);
    }
  }

  delete(key: K): boolean {
    return this.map.delete(key);
  }

  /** Removes every entry matching `pred` (e.g. all cached lookups for a revoked key id). */
  deleteWhere(pred: (value: V, key: K) => boolean): number {
    let removed = 0;
    // Deleting the current entry while iterating a Map is well-defined in JS.
    for (const [key, entry] of this.map) {
      if (pred(entry.value, key)) {
        this.map.delete(key);
        removed++;
      }
    }
    return removed;
  }

  clear(): void {
    this.map.clear();
  }
}
