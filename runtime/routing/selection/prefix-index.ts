/**
 * Which candidate recently served each prompt-prefix block: a bounded map from block
 * hash to candidate, kept in insertion order so the oldest entries go first (an LRU,
 * since every use re-inserts). It approximates what each endpoint's KV cache holds
 * without asking the endpoints.
 */

/** Blocks remembered per model; at 16 bytes per entry, about 2 MB at most. */
const MAX_ENTRIES = 131_072;

export class PrefixIndex {
  readonly #owner = new Map<number, number>();

  /** The candidate holding the longest cached prefix of `hashes`, and how many blocks; -1/0 when none. */
  longest(hashes: readonly number[]): { candidate: number; blocks: number } {
    for (let i = hashes.length - 1; i >= 0; i--) {
      const owner = this.#owner.get(hashes[i]!);
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
    const map = this.#owner;
    for (let i = Math.max(0, held - 1); i < hashes.length; i++) {
      const h = hashes[i]!;
      map.delete(h);
      map.set(h, candidate);
    }
    while (map.size > MAX_ENTRIES) map.delete(map.keys().next().value!);
  }
}
