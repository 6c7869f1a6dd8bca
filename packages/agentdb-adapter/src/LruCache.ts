/** A least-recently-used map of at most `capacity` entries (0 keeps nothing). */
export class LruCache<K, V> {
  readonly capacity: number;
  #map = new Map<K, V>();
  #hits = 0;
  #misses = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value === undefined) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    // Re-inserting moves the key to the end of the Map's iteration order: the newest end.
    this.#map.delete(key);
    this.#map.set(key, value);
    return value;
  }

  set(key: K, value: V): void {
    if (this.capacity === 0) return;
    this.#map.delete(key);
    this.#map.set(key, value);
    if (this.#map.size > this.capacity) this.#map.delete(this.#map.keys().next().value as K);
  }

  get size(): number {
    return this.#map.size;
  }

  /** Lookups served from the cache and lookups that were not. */
  counters(): { hits: number; misses: number } {
    return { hits: this.#hits, misses: this.#misses };
  }
}
