/**
 * The vectors of one cache partition (one scope and conversation context), in one
 * contiguous Float32Array, bounded: beyond `capacity` the oldest entry is overwritten
 * (a ring, so eviction follows insertion order and, the TTL being one per cache, expiry).
 *
 * Up to EXACT_LIMIT entries a lookup scans them all (exact, ~0.1 ms). Past it, the
 * partition keeps an HNSW graph over the same slots (hnsw-graph.ts) and a lookup costs
 * well under a millisecond at 100k entries (bench/cache.mjs). Slots wait in a queue
 * until linked: each add links two, each lookup up to LOOKUP_LINKS, and a lookup scans
 * the still-waiting slots exactly, so a burst of adds (a Redis mirror catching up, the
 * graph's first build) never blocks one call, and a waiting entry is never missed.
 * `exactBest` stays as the reference the graph is tested against.
 */
import { DEFAULT_HNSW, HnswGraph, type HnswParams } from "./hnsw-graph.js";
import { dot } from "./score-heap.js";

export interface Match<T> {
  readonly value: T;
  readonly score: number;
}

/** Entries up to which a lookup scans exactly and no graph is kept. */
export const EXACT_LIMIT = 1024;
/** Waiting slots linked per add: more than one, so a backlog drains even without lookups. */
const ADD_LINKS = 2;
/** Waiting slots linked per lookup (each ~0.1–0.5 ms at 256 dims). */
const LOOKUP_LINKS = 16;

export class VectorPartition<T> {
  readonly #capacity: number;
  #dims = 0;
  #vectors = new Float32Array(0);
  #values: (T | undefined)[] = [];
  #expires = new Float64Array(0);
  /** Slots in use (≤ capacity); the next write goes to `#next`. */
  #used = 0;
  #next = 0;
  #graph: HnswGraph | null = null;
  /** Slots written but not yet linked in the graph, FIFO; `#waiting[s]` marks membership. */
  #queue = new Int32Array(0);
  #queueHead = 0;
  #queueSize = 0;
  #waiting = new Uint8Array(0);

  readonly #params: HnswParams;

  /** `params`: the graph's, for tests and the bench; the defaults are measured in bench/cache.mjs. */
  constructor(capacity: number, params: HnswParams = DEFAULT_HNSW) {
    this.#capacity = capacity;
    this.#params = params;
  }

  get size(): number {
    return this.#used;
  }

  /** Entries written but not yet linked in the graph (scanned exactly meanwhile). */
  get pending(): number {
    return this.#queueSize;
  }

  /** Adds a unit vector; a vector of another dimension than the first is refused (the embedding model changed). */
  add(vector: Float32Array, value: T, expiresAt: number): boolean {
    if (this.#dims === 0) this.#dims = vector.length;
    if (vector.length !== this.#dims) return false;
    const slot = this.#next;
    this.#grow(slot + 1);
    if (this.#graph?.has(slot) === true) this.#graph.remove(slot);
    this.#vectors.set(vector, slot * this.#dims);
    this.#values[slot] = value;
    this.#expires[slot] = expiresAt;
    this.#next = (slot + 1) % this.#capacity;
    if (this.#used < this.#capacity) this.#used++;
    if (this.#graph !== null) {
      this.#enqueue(slot);
      this.#link(ADD_LINKS);
    } else if (this.#used > EXACT_LIMIT) {
      this.#startGraph();
    }
    return true;
  }

  /** The live entry most similar to `query` at or above `threshold`, or null (approximate past EXACT_LIMIT). */
  best(query: Float32Array, threshold: number, now: number): Match<T> | null {
    if (query.length !== this.#dims) return null;
    const graph = this.#graph;
    if (graph === null) return this.exactBest(query, threshold, now);
    this.#link(LOOKUP_LINKS);
    let bestSlot = -1;
    let bestScore = threshold;
    const found = graph.search(query);
    for (let i = 0; i < found; i++) {
      const slot = graph.resultSlot(i);
      const score = graph.resultScore(i);
      if (score >= bestScore && this.#expires[slot]! > now) {
        bestScore = score;
        bestSlot = slot;
      }
    }
    const dims = this.#dims;
    for (let i = 0; i < this.#queueSize; i++) {
      const slot = this.#queue[(this.#queueHead + i) % this.#capacity]!;
      if (this.#expires[slot]! <= now) continue;
      const score = dot(query, 0, this.#vectors, slot * dims, dims);
      if (score >= bestScore) {
        bestScore = score;
        bestSlot = slot;
      }
    }
    return bestSlot < 0 ? null : { value: this.#values[bestSlot]!, score: bestScore };
  }

  /** The reference answer: every live entry scored, the best at or above `threshold`. */
  exactBest(query: Float32Array, threshold: number, now: number): Match<T> | null {
    if (query.length !== this.#dims) return null;
    const dims = this.#dims;
    const vectors = this.#vectors;
    let bestSlot = -1;
    let bestScore = threshold;
    for (let slot = 0; slot < this.#used; slot++) {
      if (this.#expires[slot]! <= now) continue;
      const score = dot(query, 0, vectors, slot * dims, dims);
      if (score >= bestScore) {
        bestScore = score;
        bestSlot = slot;
      }
    }
    return bestSlot < 0 ? null : { value: this.#values[bestSlot]!, score: bestScore };
  }

  /** Past EXACT_LIMIT: a graph, with every slot so far waiting to be linked. */
  #startGraph(): void {
    this.#graph = new HnswGraph(this.#dims, () => this.#vectors, this.#params);
    this.#queue = new Int32Array(this.#capacity);
    this.#waiting = new Uint8Array(this.#capacity);
    for (let slot = 0; slot < this.#used; slot++) this.#enqueue(slot);
    this.#link(ADD_LINKS);
  }

  #enqueue(slot: number): void {
    if (this.#waiting[slot] === 1) return;
    this.#waiting[slot] = 1;
    this.#queue[(this.#queueHead + this.#queueSize) % this.#capacity] = slot;
    this.#queueSize++;
  }

  /** Links up to `count` waiting slots, oldest first. */
  #link(count: number): void {
    const graph = this.#graph!;
    for (let i = 0; i < count && this.#queueSize > 0; i++) {
      const slot = this.#queue[this.#queueHead]!;
      this.#queueHead = (this.#queueHead + 1) % this.#capacity;
      this.#queueSize--;
      this.#waiting[slot] = 0;
      graph.insert(slot);
    }
  }

  /** Grows the vector buffer geometrically up to the capacity. */
  #grow(slots: number): void {
    const needed = slots * this.#dims;
    if (needed <= this.#vectors.length) return;
    const size = Math.min(this.#capacity, Math.max(slots, (this.#vectors.length / Math.max(1, this.#dims)) * 2, 16));
    const next = new Float32Array(size * this.#dims);
    next.set(this.#vectors);
    this.#vectors = next;
    const expires = new Float64Array(size);
    expires.set(this.#expires);
    this.#expires = expires;
  }
}
