/**
 * The vectors of one cache partition (one scope and conversation context), searched
 * by brute force: one dot product per live entry over a contiguous Float32Array.
 * Exact (no approximate-index misses), allocation-free per lookup, and fast enough
 * for the partition sizes a semantic cache sees (see bench/cache.mjs for figures).
 * Bounded: beyond `capacity` the oldest entry is overwritten (a ring).
 */

export interface Match<T> {
  readonly value: T;
  readonly score: number;
}

export class VectorPartition<T> {
  readonly #capacity: number;
  #dims = 0;
  #vectors = new Float32Array(0);
  #values: (T | undefined)[] = [];
  #expires: number[] = [];
  /** Slots in use (≤ capacity); the next write goes to `#next`. */
  #used = 0;
  #next = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#used;
  }

  /** Adds a unit vector; a vector of another dimension than the first is refused (the embedding model changed). */
  add(vector: Float32Array, value: T, expiresAt: number): boolean {
    if (this.#dims === 0) this.#dims = vector.length;
    if (vector.length !== this.#dims) return false;
    const slot = this.#next;
    this.#grow(slot + 1);
    this.#vectors.set(vector, slot * this.#dims);
    this.#values[slot] = value;
    this.#expires[slot] = expiresAt;
    this.#next = (slot + 1) % this.#capacity;
    if (this.#used < this.#capacity) this.#used++;
    return true;
  }

  /** The live entry most similar to `query` at or above `threshold`, or null. */
  best(query: Float32Array, threshold: number, now: number): Match<T> | null {
    if (query.length !== this.#dims) return null;
    const dims = this.#dims;
    const vectors = this.#vectors;
    let bestSlot = -1;
    let bestScore = threshold;
    for (let slot = 0; slot < this.#used; slot++) {
      if (this.#expires[slot]! <= now) continue;
      let dot = 0;
      const base = slot * dims;
      for (let d = 0; d < dims; d++) dot += vectors[base + d]! * query[d]!;
      if (dot >= bestScore) {
        bestScore = dot;
        bestSlot = slot;
      }
    }
    return bestSlot < 0 ? null : { value: this.#values[bestSlot]!, score: bestScore };
  }

  /** Grows the vector buffer geometrically up to the capacity. */
  #grow(slots: number): void {
    const needed = slots * this.#dims;
    if (needed <= this.#vectors.length) return;
    const next = new Float32Array(Math.min(this.#capacity, Math.max(slots, (this.#vectors.length / Math.max(1, this.#dims)) * 2, 16)) * this.#dims);
    next.set(this.#vectors);
    this.#vectors = next;
  }
}
