/**
 * The semantic cache's vector index against its reference: the HNSW graph a partition
 * keeps past EXACT_LIMIT must agree with the exact scan (`exactBest`) on ≥ 95% of
 * lookups, through ring eviction and TTL expiry, and never answer an evicted or
 * expired entry. Sizes are small enough to run in seconds; the 100k figures are in
 * bench/cache.mjs.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_HNSW, HnswGraph } from "./hnsw-graph.js";
import { EXACT_LIMIT, VectorPartition } from "./vector-partition.js";

const DIMS = 64;

/** Deterministic vectors: uniform directions, clusters around them, and paraphrases of a stored vector. */
function vectors(seed: number) {
  let s = seed >>> 0;
  const random = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const unit = (v: Float32Array): Float32Array => {
    let n = 0;
    for (const x of v) n += x * x;
    return v.map((x) => x / Math.sqrt(n));
  };
  const direction = (): Float32Array => unit(Float32Array.from({ length: DIMS }, random));
  const near = (v: Float32Array, spread: number): Float32Array => unit(v.map((x) => x + random() * spread));
  const centers = Array.from({ length: 200 }, direction);
  const clustered = (): Float32Array => near(centers[Math.floor(((random() + 1) / 2) * centers.length) % centers.length]!, 0.15);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(((random() + 1) / 2) * items.length) % items.length]!;
  return { direction, near, clustered, pick };
}

/** Share of `queries` on which the partition's answer is the exact scan's (same entry, or both none). */
function recall(p: VectorPartition<number>, queries: Float32Array[], threshold: number, now: number): number {
  let agree = 0;
  for (const q of queries) if (p.best(q, threshold, now)?.value === p.exactBest(q, threshold, now)?.value) agree++;
  return agree / queries.length;
}

describe("semantic cache vector index (HNSW past EXACT_LIMIT)", () => {
  it("agrees with the exact scan on ≥ 95% of lookups over 20k clustered vectors", () => {
    const gen = vectors(7);
    const p = new VectorPartition<number>(20_000);
    const stored: Float32Array[] = [];
    for (let i = 0; i < 20_000; i++) {
      const v = gen.clustered();
      stored.push(v);
      p.add(v, i, Infinity);
    }
    const fresh = Array.from({ length: 300 }, gen.clustered);
    const paraphrases = Array.from({ length: 300 }, () => gen.near(gen.pick(stored), 0.05));
    expect(recall(p, fresh, -1, 0)).toBeGreaterThanOrEqual(0.95);
    expect(recall(p, paraphrases, -1, 0)).toBeGreaterThanOrEqual(0.95);
    // At a cache's threshold: the same hits and misses as the scan.
    expect(recall(p, [...fresh, ...paraphrases], 0.9, 0)).toBeGreaterThanOrEqual(0.95);
  });

  it("never answers an evicted entry once the ring has turned, and keeps its recall", () => {
    const gen = vectors(11);
    const capacity = 2_000;
    const p = new VectorPartition<number>(capacity);
    const stored: Float32Array[] = [];
    for (let i = 0; i < capacity * 3; i++) {
      const v = gen.clustered();
      stored.push(v);
      p.add(v, i, Infinity);
    }
    expect(p.size).toBe(capacity);
    const oldest = stored.length - capacity;
    for (const v of stored.slice(0, 300)) expect(p.best(v, -1, 0)!.value).toBeGreaterThanOrEqual(oldest);
    const live = stored.slice(oldest);
    expect(
      recall(
        p,
        Array.from({ length: 300 }, () => gen.near(gen.pick(live), 0.05)),
        -1,
        0,
      ),
    ).toBeGreaterThanOrEqual(0.95);
    expect(recall(p, Array.from({ length: 300 }, gen.clustered), -1, 0)).toBeGreaterThanOrEqual(0.95);
  });

  it("never answers an expired entry, though expired entries still route the search", () => {
    const gen = vectors(13);
    const p = new VectorPartition<number>(6_000);
    const stored: Float32Array[] = [];
    for (let i = 0; i < 6_000; i++) {
      const v = gen.clustered();
      stored.push(v);
      p.add(v, i, i % 2 === 0 ? 1_000 : 2_000); // every other entry expires first
    }
    const queries = Array.from({ length: 300 }, () => gen.near(gen.pick(stored), 0.05));
    for (const q of queries) expect(p.best(q, -1, 1_500)!.value % 2).toBe(1);
    expect(recall(p, queries, -1, 1_500)).toBeGreaterThanOrEqual(0.95);
    for (const q of queries.slice(0, 20)) expect(p.best(q, -1, 2_000)).toBeNull();
  });

  it("finds an entry added a moment ago, before the graph has linked it", () => {
    const gen = vectors(17);
    const p = new VectorPartition<number>(10_000);
    for (let i = 0; i < EXACT_LIMIT * 3; i++) p.add(gen.clustered(), i, Infinity);
    // The graph starts past EXACT_LIMIT and links a few slots per call: most are still waiting.
    const last = gen.direction();
    p.add(last, -1, Infinity);
    expect(p.best(last, 0.999, 0)?.value).toBe(-1);
  });

  it("is the exact scan up to EXACT_LIMIT", () => {
    const gen = vectors(19);
    const p = new VectorPartition<number>(EXACT_LIMIT);
    for (let i = 0; i < EXACT_LIMIT; i++) p.add(gen.direction(), i, Infinity);
    const queries = Array.from({ length: 200 }, gen.direction);
    expect(recall(p, queries, -1, 0)).toBe(1);
  });
});

describe("HnswGraph", () => {
  it("stays searchable while every node is removed and re-inserted, and empties cleanly", () => {
    const gen = vectors(23);
    const count = 2_000;
    const buffer = new Float32Array(count * DIMS);
    const graph = new HnswGraph(DIMS, () => buffer, DEFAULT_HNSW);
    const write = (slot: number): void => buffer.set(gen.clustered(), slot * DIMS);
    for (let s = 0; s < count; s++) {
      write(s);
      graph.insert(s);
    }
    for (let s = 0; s < count; s++) {
      graph.remove(s);
      write(s);
      graph.insert(s);
    }
    expect(graph.size).toBe(count);
    // Every stored vector finds itself.
    let self = 0;
    for (let s = 0; s < count; s += 10) {
      const q = buffer.slice(s * DIMS, (s + 1) * DIMS);
      const n = graph.search(q);
      for (let i = 0; i < n; i++) if (graph.resultSlot(i) === s) self++;
    }
    expect(self / (count / 10)).toBeGreaterThanOrEqual(0.95);
    for (let s = 0; s < count; s++) graph.remove(s);
    expect(graph.size).toBe(0);
    expect(graph.search(buffer.slice(0, DIMS))).toBe(0);
  });
});
