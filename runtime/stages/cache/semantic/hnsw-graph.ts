/**
 * A hierarchical navigable small-world graph (Malkov & Yashunin, HNSW) over the slots
 * of a vector partition: approximate nearest neighbour by inner product of unit
 * vectors (cosine similarity), in plain TypeScript with typed arrays.
 *
 * The graph does not own the vectors: it reads them from the partition's contiguous
 * buffer through `vectors()`, slot `s` at `s * dims`. A slot is inserted once its vector
 * is written and removed before the partition overwrites it (the ring evicting its
 * oldest entry). Removal unlinks the slot and reconnects its neighbours through its
 * own neighbour list, so the graph stays navigable as the ring turns over; edges from
 * nodes the slot did not list are left pointing at the slot, which is harmless (every
 * score is computed from the real vector) and is repaired as the ring reuses it.
 *
 * Search never allocates: the visited marks, both heaps and the neighbour lists are
 * typed arrays kept between calls.
 */
import { dot, ScoreHeap } from "./score-heap.js";

/** Graph parameters; the defaults hold recall ≥ 0.95 at 100k entries (bench/cache.mjs). */
export interface HnswParams {
  /** Links per node on the upper levels (level 0 keeps twice as many). */
  readonly m: number;
  /** Candidate list size while inserting: larger builds a better graph, slower. */
  readonly efConstruction: number;
  /** Candidate list size while searching: larger finds more true neighbours, slower. */
  readonly efSearch: number;
  /** Seed of the level generator, so a build is reproducible. */
  readonly seed: number;
}

export const DEFAULT_HNSW: HnswParams = { m: 16, efConstruction: 64, efSearch: 48, seed: 0x9e3779b9 };

const ABSENT = -1;

export class HnswGraph {
  readonly #dims: number;
  readonly #m: number;
  readonly #m0: number;
  readonly #params: HnswParams;
  readonly #levelScale: number;
  readonly #vectors: () => Float32Array;
  /** Level of each slot's node, ABSENT when the slot is not in the graph. */
  #levels = new Int8Array(0);
  /** Level-0 links: slot `s` holds a count at `s * (m0 + 1)` followed by up to m0 slots. */
  #links0: Int32Array = new Int32Array(0);
  /** The score of each level-0 link, beside it, so pruning a full list costs no dot product. */
  #scores0: Float32Array = new Float32Array(0);
  /** Links on levels ≥ 1, sparse (about one node in m has any): level l at `(l - 1) * (m + 1)`, same layout. */
  readonly #upper = new Map<number, { links: Int32Array; scores: Float32Array }>();
  /** Where `#at` found a link list: its arrays and the offset of its count. */
  #ids: Int32Array = this.#links0;
  #sc: Float32Array = this.#scores0;
  #base = 0;
  #entry = ABSENT;
  #maxLevel = -1;
  #count = 0;
  #rng: number;
  /** Visited marks: a slot is visited in this search when its mark equals `#epoch`. */
  #visited = new Uint32Array(0);
  #epoch = 0;
  /** Nodes still to expand, best on top. */
  readonly #candidates = new ScoreHeap(true);
  /** The ef best nodes met so far, worst on top (the one to drop). */
  readonly #found = new ScoreHeap(false);

  constructor(dims: number, vectors: () => Float32Array, params: HnswParams = DEFAULT_HNSW) {
    this.#dims = dims;
    this.#vectors = vectors;
    this.#params = params;
    this.#m = params.m;
    this.#m0 = params.m * 2;
    this.#levelScale = 1 / Math.log(params.m);
    this.#rng = params.seed >>> 0 || 1;
  }

  /** Nodes in the graph. */
  get size(): number {
    return this.#count;
  }

  /** Links the vector already written at `slot`; the slot must not be in the graph. */
  insert(slot: number): void {
    this.#reserve(slot + 1);
    const level = this.#randomLevel();
    this.#links0[slot * (this.#m0 + 1)] = 0;
    if (level > 0) this.#upper.set(slot, { links: new Int32Array(level * (this.#m + 1)), scores: new Float32Array(level * (this.#m + 1)) });
    this.#count++;
    if (this.#entry === ABSENT) {
      this.#levels[slot] = level;
      this.#entry = slot;
      this.#maxLevel = level;
      return;
    }
    // The slot joins the levels only once linked: a stale link to it must not lead a search into it.
    const query = this.#vectors().subarray(slot * this.#dims, (slot + 1) * this.#dims);
    let entry = this.#greedy(query, this.#entry, this.#maxLevel, level);
    for (let l = Math.min(level, this.#maxLevel); l >= 0; l--) {
      this.#searchLevel(query, entry, l, this.#params.efConstruction, slot);
      const chosen = this.#selectNeighbours(l === 0 ? this.#m0 : this.#m);
      this.#at(slot, l);
      const ids = this.#ids;
      const scores = this.#sc;
      const base = this.#base;
      ids[base] = chosen.length;
      for (let i = 0; i < chosen.length; i++) {
        ids[base + 1 + i] = chosen[i]!.slot;
        scores[base + 1 + i] = chosen[i]!.score;
      }
      for (const n of chosen) this.#linkBack(n.slot, slot, n.score, l);
      entry = chosen[0]?.slot ?? entry;
    }
    this.#levels[slot] = level;
    if (level > this.#maxLevel) {
      this.#maxLevel = level;
      this.#entry = slot;
    }
  }

  /** Unlinks `slot` before its vector is overwritten; reconnects its neighbours among themselves. */
  remove(slot: number): void {
    const level = this.#levels[slot] ?? ABSENT;
    if (level === ABSENT) return;
    const vectors = this.#vectors();
    for (let l = 0; l <= level; l++) {
      this.#at(slot, l);
      const gone = this.#ids;
      const goneBase = this.#base;
      const goneCount = gone[goneBase]!;
      for (let i = 1; i <= goneCount; i++) {
        const n = gone[goneBase + i]!;
        if (n === slot || (this.#levels[n] ?? ABSENT) < l) continue;
        this.#at(n, l);
        const ids = this.#ids;
        const scores = this.#sc;
        const base = this.#base;
        if (!dropLink(ids, scores, base, slot)) continue;
        // Refill from the removed node's other neighbours, nearest to n first.
        const max = l === 0 ? this.#m0 : this.#m;
        const nearest = this.#candidates;
        nearest.clear();
        for (let j = 1; j <= goneCount; j++) {
          const c = gone[goneBase + j]!;
          if (c !== n && c !== slot && (this.#levels[c] ?? ABSENT) >= l && !hasLink(ids, base, c)) {
            nearest.push(c, dot(vectors, n * this.#dims, vectors, c * this.#dims, this.#dims));
          }
        }
        while (ids[base]! < max && nearest.size > 0) {
          const at = base + ++ids[base]!;
          scores[at] = nearest.topScore();
          ids[at] = nearest.pop();
        }
      }
    }
    this.#levels[slot] = ABSENT;
    this.#upper.delete(slot);
    this.#count--;
    if (slot === this.#entry) this.#electEntry();
  }

  /**
   * Searches for the nodes nearest `query` and returns how many it holds (at most efSearch,
   * in no order): read them with `resultSlot`/`resultScore` before the next call. The
   * caller filters them (expired entries still route the search, so they do not cut
   * the graph; they are only never answered).
   */
  search(query: Float32Array): number {
    this.#found.clear();
    if (this.#entry === ABSENT) return 0;
    const entry = this.#greedy(query, this.#entry, this.#maxLevel, 0);
    this.#searchLevel(query, entry, 0, Math.max(this.#params.efSearch, 1), ABSENT);
    return this.#found.size;
  }

  resultSlot(i: number): number {
    return this.#found.idAt(i);
  }

  resultScore(i: number): number {
    return this.#found.scoreAt(i);
  }

  /** Whether `slot` is linked in the graph. */
  has(slot: number): boolean {
    return (this.#levels[slot] ?? ABSENT) !== ABSENT;
  }

  /** Greedy descent from `top` to just above `floor`: at each level, move while a neighbour scores higher. */
  #greedy(query: Float32Array, start: number, top: number, floor: number): number {
    const vectors = this.#vectors();
    const dims = this.#dims;
    let current = start;
    let best = dot(query, 0, vectors, current * dims, dims);
    for (let l = top; l > floor; l--) {
      let moved = true;
      while (moved) {
        moved = false;
        this.#at(current, l);
        const ids = this.#ids;
        const base = this.#base;
        for (let i = 1; i <= ids[base]!; i++) {
          const n = ids[base + i]!;
          // A link may outlive its target's level (see the header): skip what is no longer on this level.
          if (this.#levels[n]! < l) continue;
          const score = dot(query, 0, vectors, n * dims, dims);
          if (score > best) {
            best = score;
            current = n;
            moved = true;
          }
        }
      }
    }
    return current;
  }

  /** Beam search on one level from `entry`: leaves the `ef` best nodes (except `skip`) in `#found`. */
  #searchLevel(query: Float32Array, entry: number, level: number, ef: number, skip: number): void {
    const vectors = this.#vectors();
    const dims = this.#dims;
    const visited = this.#visited;
    const epoch = this.#nextEpoch();
    const candidates = this.#candidates;
    const found = this.#found;
    candidates.clear();
    found.clear();
    visited[entry] = epoch;
    if (skip !== ABSENT) visited[skip] = epoch;
    const first = dot(query, 0, vectors, entry * dims, dims);
    candidates.push(entry, first);
    if (entry !== skip) found.push(entry, first);
    while (candidates.size > 0) {
      if (found.size >= ef && candidates.topScore() < found.topScore()) break;
      const c = candidates.pop();
      this.#at(c, level);
      const ids = this.#ids;
      const base = this.#base;
      for (let i = 1; i <= ids[base]!; i++) {
        const n = ids[base + i]!;
        if (visited[n] === epoch) continue;
        visited[n] = epoch;
        if (this.#levels[n]! < level) continue;
        const s = dot(query, 0, vectors, n * dims, dims);
        if (found.size < ef || s > found.topScore()) {
          candidates.push(n, s);
          found.push(n, s);
          if (found.size > ef) found.pop();
        }
      }
    }
  }

  /**
   * The neighbour heuristic of the HNSW paper over `#found`: take candidates nearest first,
   * keeping one only when it is nearer to the new node than to every neighbour kept so far,
   * so links spread in different directions instead of crowding one cluster.
   */
  #selectNeighbours(max: number): { slot: number; score: number }[] {
    const vectors = this.#vectors();
    const dims = this.#dims;
    const found = this.#found;
    const ordered: { slot: number; score: number }[] = [];
    for (let i = 0; i < found.size; i++) ordered.push({ slot: found.idAt(i), score: found.scoreAt(i) });
    ordered.sort((a, b) => b.score - a.score);
    const kept: { slot: number; score: number }[] = [];
    for (const c of ordered) {
      if (kept.length >= max) break;
      let diverse = true;
      for (const k of kept) {
        if (dot(vectors, c.slot * dims, vectors, k.slot * dims, dims) > c.score) {
          diverse = false;
          break;
        }
      }
      if (diverse) kept.push(c);
    }
    return kept;
  }

  /** Adds `slot` (scoring `score` against `n`) to `n`'s links on `level`; a full list drops its farthest member when `slot` is nearer. */
  #linkBack(n: number, slot: number, score: number, level: number): void {
    this.#at(n, level);
    const ids = this.#ids;
    const scores = this.#sc;
    const base = this.#base;
    const max = level === 0 ? this.#m0 : this.#m;
    const count = ids[base]!;
    if (count < max) {
      ids[base + count + 1] = slot;
      scores[base + count + 1] = score;
      ids[base] = count + 1;
      return;
    }
    let worst = -1;
    let worstScore = score;
    for (let i = 1; i <= max; i++) {
      if (scores[base + i]! < worstScore) {
        worstScore = scores[base + i]!;
        worst = i;
      }
    }
    if (worst > 0) {
      ids[base + worst] = slot;
      scores[base + worst] = score;
    }
  }

  /** Points `#ids`/`#sc`/`#base` at the link list of `slot` on `level` (no allocation on the search path). */
  #at(slot: number, level: number): void {
    if (level === 0) {
      this.#ids = this.#links0;
      this.#sc = this.#scores0;
      this.#base = slot * (this.#m0 + 1);
      return;
    }
    const upper = this.#upper.get(slot)!;
    this.#ids = upper.links;
    this.#sc = upper.scores;
    this.#base = (level - 1) * (this.#m + 1);
  }

  /** After the entry node is removed: the node with the highest level left (a scan, once per ring turn at most). */
  #electEntry(): void {
    this.#entry = ABSENT;
    this.#maxLevel = -1;
    const levels = this.#levels;
    for (let s = 0; s < levels.length; s++) {
      if (levels[s]! > this.#maxLevel) {
        this.#maxLevel = levels[s]!;
        this.#entry = s;
      }
    }
  }

  /** Level of a new node: geometric, P(level ≥ l) = m^-l, capped so an Int8 holds it. */
  #randomLevel(): number {
    let x = this.#rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#rng = x >>> 0;
    const uniform = (this.#rng + 1) / 2 ** 32;
    return Math.min(16, Math.floor(-Math.log(uniform) * this.#levelScale));
  }

  #nextEpoch(): number {
    this.#epoch = (this.#epoch + 1) >>> 0;
    if (this.#epoch === 0) {
      this.#visited.fill(0);
      this.#epoch = 1;
    }
    return this.#epoch;
  }

  /** Grows the per-slot arrays geometrically to hold `slots`. */
  #reserve(slots: number): void {
    if (slots <= this.#levels.length) return;
    const next = Math.max(slots, this.#levels.length * 2, 64);
    const levels = new Int8Array(next).fill(ABSENT);
    levels.set(this.#levels);
    this.#levels = levels;
    const links = new Int32Array(next * (this.#m0 + 1));
    links.set(this.#links0);
    this.#links0 = links;
    const scores = new Float32Array(next * (this.#m0 + 1));
    scores.set(this.#scores0);
    this.#scores0 = scores;
    const visited = new Uint32Array(next);
    visited.set(this.#visited);
    this.#visited = visited;
  }
}

function hasLink(ids: Int32Array, base: number, slot: number): boolean {
  for (let i = 1; i <= ids[base]!; i++) if (ids[base + i] === slot) return true;
  return false;
}

/** Removes `slot` from a link list (the last takes its place); false when it was not there. */
function dropLink(ids: Int32Array, scores: Float32Array, base: number, slot: number): boolean {
  const count = ids[base]!;
  for (let i = 1; i <= count; i++) {
    if (ids[base + i] === slot) {
      ids[base + i] = ids[base + count]!;
      scores[base + i] = scores[base + count]!;
      ids[base] = count - 1;
      return true;
    }
  }
  return false;
}
