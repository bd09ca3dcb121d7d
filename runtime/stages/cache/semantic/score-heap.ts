/**
 * A binary heap of (slot, score) pairs on typed arrays, reused across searches so a
 * lookup allocates nothing once the arrays have grown to the search's width. Either
 * the best score or the worst sits on top, chosen at construction.
 */
export class ScoreHeap {
  readonly #bestOnTop: boolean;
  #ids = new Int32Array(64);
  #scores = new Float64Array(64);
  #size = 0;

  constructor(bestOnTop: boolean) {
    this.#bestOnTop = bestOnTop;
  }

  get size(): number {
    return this.#size;
  }

  clear(): void {
    this.#size = 0;
  }

  /** The score on top; only valid when size > 0. */
  topScore(): number {
    return this.#scores[0]!;
  }

  /** The i-th pair in storage order (not sorted), for a scan of the whole heap. */
  idAt(i: number): number {
    return this.#ids[i]!;
  }

  scoreAt(i: number): number {
    return this.#scores[i]!;
  }

  push(id: number, score: number): void {
    if (this.#size === this.#ids.length) this.#grow();
    const ids = this.#ids;
    const scores = this.#scores;
    let i = this.#size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#above(score, scores[parent]!)) break;
      ids[i] = ids[parent]!;
      scores[i] = scores[parent]!;
      i = parent;
    }
    ids[i] = id;
    scores[i] = score;
  }

  /** Removes the top pair and returns its slot; only valid when size > 0. */
  pop(): number {
    const ids = this.#ids;
    const scores = this.#scores;
    const top = ids[0]!;
    const size = --this.#size;
    if (size === 0) return top;
    const id = ids[size]!;
    const score = scores[size]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && this.#above(scores[child + 1]!, scores[child]!)) child++;
      if (!this.#above(scores[child]!, score)) break;
      ids[i] = ids[child]!;
      scores[i] = scores[child]!;
      i = child;
    }
    ids[i] = id;
    scores[i] = score;
    return top;
  }

  /** Whether score `a` belongs above `b`. */
  #above(a: number, b: number): boolean {
    return this.#bestOnTop ? a > b : a < b;
  }

  #grow(): void {
    const ids = new Int32Array(this.#ids.length * 2);
    ids.set(this.#ids);
    this.#ids = ids;
    const scores = new Float64Array(this.#scores.length * 2);
    scores.set(this.#scores);
    this.#scores = scores;
  }
}

/** Inner product of `dims` floats of `a` from `aAt` and of `b` from `bAt`, unrolled by four. */
export function dot(a: Float32Array, aAt: number, b: Float32Array, bAt: number, dims: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < dims; i += 4) {
    s0 += a[aAt + i]! * b[bAt + i]!;
    s1 += a[aAt + i + 1]! * b[bAt + i + 1]!;
    s2 += a[aAt + i + 2]! * b[bAt + i + 2]!;
    s3 += a[aAt + i + 3]! * b[bAt + i + 3]!;
  }
  for (; i < dims; i++) s0 += a[aAt + i]! * b[bAt + i]!;
  return s0 + s1 + s2 + s3;
}
