/** One hit of a nearest-neighbour search. */
export interface VectorHit {
  /** Position of the vector in insertion order. */
  slot: number;
  /** Cosine similarity (vectors are unit length, so the dot product). */
  similarity: number;
}

/**
 * Exact nearest-neighbour search over unit vectors of one dimension, kept in one growing
 * Float32Array (contiguous, so a scan is a tight loop the JIT vectorises well). Exact search is
 * linear in the number of vectors; `pnpm bench` measures it (recall 1 by construction) so an
 * approximate index (HNSW) can be weighed against real figures rather than assumed necessary.
 */
export class VectorIndex {
  readonly dimension: number;
  #data: Float32Array;
  #size = 0;

  constructor(dimension: number, initialCapacity = 64) {
    this.dimension = dimension;
    this.#data = new Float32Array(dimension * Math.max(1, initialCapacity));
  }

  /** Number of vectors held. */
  get size(): number {
    return this.#size;
  }

  /** Appends a unit vector; returns its slot. */
  add(vector: ArrayLike<number>): number {
    if ((this.#size + 1) * this.dimension > this.#data.length) {
      const grown = new Float32Array(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data.set(vector, this.#size * this.dimension);
    return this.#size++;
  }

  /**
   * The `k` most similar vectors, most similar first; ties go to the NEWER vector: identical
   * states are common (every task of a type can embed alike), and among equals the recent
   * experience is the relevant one.
   */
  search(query: ArrayLike<number>, k: number): VectorHit[] {
    const hits: VectorHit[] = [];
    const d = this.dimension;
    const data = this.#data;
    for (let slot = 0; slot < this.#size; slot++) {
      let dot = 0;
      const base = slot * d;
      for (let i = 0; i < d; i++) dot += data[base + i]! * query[i]!;
      if (hits.length === k && dot < hits[k - 1]!.similarity) continue;
      // Insertion into a sorted list of at most k: k is small (tens), so this beats a heap.
      let at = hits.length;
      while (at > 0 && hits[at - 1]!.similarity <= dot) at--;
      hits.splice(at, 0, { slot, similarity: dot });
      if (hits.length > k) hits.pop();
    }
    return hits;
  }
}
