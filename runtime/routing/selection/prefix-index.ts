/**
 * Which candidate recently served each prompt-prefix block: block hash → candidate,
 * bounded, oldest forgotten first. It approximates what each endpoint's KV cache holds
 * without asking the endpoints.
 *
 * Two generations of plain maps rather than one map used as an LRU (delete + re-insert
 * per use): V8's ordered hash maps keep deleted slots until they rehash, and evicting
 * "the oldest key" walks over them, which measured slower with every request once the
 * index was full. Here a lookup checks the young generation, then the old one; writes go
 * to the young one; when it is full the old one is dropped whole and the young one ages.
 * Every operation is O(1) and nothing is ever deleted one by one; entries used within the
 * last generation survive (a refresh copies them forward).
 */

/** Blocks remembered per model at most (two generations of half each); ≈ 2 MB. */
const MAX_ENTRIES = 131_072;
const GENERATION = MAX_ENTRIES / 2;

export class PrefixIndex {
  #young = new Map<number, number>();
  #old = new Map<number, number>();

  #get(h: number): number | undefined {
    return this.#young.get(h) ?? this.#old.get(h);
  }

  /** The candidate holding the longest cached prefix of `hashes`, and how many blocks; -1/0 when none. */
  longest(hashes: readonly number[]): { candidate: number; blocks: number } {
    for (let i = hashes.length - 1; i >= 0; i--) {
      const owner = this.#get(hashes[i]!);
      if (owner !== undefined) return { candidate: owner, blocks: i + 1 };
    }
    return { candidate: -1, blocks: 0 };
  }

  /**
   * Records that `candidate` now holds every block of `hashes`. When it already held the
   * first `held` of them, only the deepest held block is refreshed (lookups start from
   * the deepest block) and the new ones added: a request then costs its new blocks, not
   * its whole prompt.
   */
  record(hashes: readonly number[], candidate: number, held = 0): void {
    for (let i = Math.max(0, held - 1); i < hashes.length; i++) {
      if (this.#young.size >= GENERATION) {
        this.#old = this.#young;
        this.#young = new Map();
      }
      this.#young.set(hashes[i]!, candidate);
    }
  }
}
