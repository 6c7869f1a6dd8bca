/** Options of `TextCache`. */
export interface TextCacheOptions {
  /**
   * Characters of text the entries may stand for together (default 4 000 000, a large project's
   * sources); past it the least recently used entries go. A syntax tree weighs many times its text,
   * so the bound is on text, the one size known before parsing.
   */
  maxChars?: number;
}

/**
 * What was computed from a text (a parse), kept under the whole text and what else the result
 * depends on (file name, parser options), so that the agents of one process reading the same file
 * compute it once. The key holds the text itself, never a path alone: an edited file is a new
 * entry, never a stale hit, and one target's files cannot answer for another's.
 */
export class TextCache<T> {
  readonly #maxChars: number;
  /** In use order, least recent first (a Map keeps insertion order; a hit is re-inserted). */
  readonly #entries = new Map<string, { chars: number; value: T }>();
  #chars = 0;

  constructor(options: TextCacheOptions = {}) {
    this.#maxChars = options.maxChars ?? 4_000_000;
  }

  /** The value for `text` under `variant`, computed by `compute` on a miss. */
  get(text: string, variant: string, compute: () => T): T {
    const key = `${variant}\0${text}`;
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit.value;
    }
    const value = compute();
    // A text larger than the whole bound is computed for its caller and not kept.
    if (text.length > this.#maxChars) return value;
    this.#entries.set(key, { chars: text.length, value });
    this.#chars += text.length;
    for (const [oldest, entry] of this.#entries) {
      if (this.#chars <= this.#maxChars) break;
      this.#entries.delete(oldest);
      this.#chars -= entry.chars;
    }
    return value;
  }
}
