const CHUNK_ROWS = 64;

/**
 * Rows of `width` numbers keyed by an integer code, packed into fixed-size Float32Array chunks:
 * 1,000 states x 10 strategies x 2 statistics cost ~80 KB here, where a Map of objects costs
 * several times that. Learning statistics need no more than float32's 7 significant digits, and
 * every value is rounded on its way in, so what is persisted and restored is exactly what was used.
 * Records which rows changed so the engine persists only those.
 */
export class StatsTable {
  readonly width: number;
  #index = new Map<number, number>();
  #codes: number[] = [];
  #chunks: Float32Array[] = [];
  #dirty = new Set<number>();

  constructor(width: number) {
    this.width = width;
  }

  /** Row number of `code`, or -1. */
  find(code: number): number {
    return this.#index.get(code) ?? -1;
  }

  /** Row number of `code`, created zero-filled when absent. */
  ensure(code: number): number {
    const found = this.#index.get(code);
    if (found !== undefined) return found;
    const row = this.#codes.length;
    if (row % CHUNK_ROWS === 0) this.#chunks.push(new Float32Array(CHUNK_ROWS * this.width));
    this.#codes.push(code);
    this.#index.set(code, row);
    return row;
  }

  get(row: number, col: number): number {
    return this.#chunks[Math.floor(row / CHUNK_ROWS)]![(row % CHUNK_ROWS) * this.width + col]!;
  }

  set(row: number, col: number, value: number): void {
    this.#chunks[Math.floor(row / CHUNK_ROWS)]![(row % CHUNK_ROWS) * this.width + col] = value;
    this.#dirty.add(row);
  }

  /** Multiplies every number of a row by `factor`. */
  scale(row: number, factor: number): void {
    const chunk = this.#chunks[Math.floor(row / CHUNK_ROWS)]!;
    const start = (row % CHUNK_ROWS) * this.width;
    for (let i = start; i < start + this.width; i++) chunk[i] = chunk[i]! * factor;
    this.#dirty.add(row);
  }

  codes(): Iterable<number> {
    return this.#index.keys();
  }

  takeDirty(): number[] {
    const codes = [...this.#dirty].map((row) => this.#codes[row]!);
    this.#dirty.clear();
    return codes;
  }

  clear(): void {
    this.#index.clear();
    this.#codes = [];
    this.#chunks = [];
    this.#dirty.clear();
  }
}
