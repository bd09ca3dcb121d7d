/**
 * The input alphabet of one program, reduced to symbols: code points that every set of
 * the program (and `\w`, for word boundaries) treats alike share a symbol, so the
 * automaton's transition tables have one entry per symbol, not per code point.
 * ASCII is looked up in a table, everything else by binary search over interval starts.
 */
import { MAX_CODE_POINT, WORD, contains, type CharSet } from "./char-set.js";

export class Symbols {
  /** Number of distinct symbols. */
  readonly count: number;
  /** member[set * count + symbol] is 1 when the symbol's code points are in the set. */
  readonly member: Uint8Array;
  /** word[symbol] is 1 for `\w` symbols. */
  readonly word: Uint8Array;
  readonly #ascii = new Int32Array(128);
  readonly #starts: Int32Array;
  readonly #symbolOf: Int32Array;

  constructor(sets: readonly CharSet[]) {
    const all = [...sets, WORD];
    const points = new Set<number>([0]);
    for (const s of all) {
      for (let i = 0; i < s.length; i += 2) {
        points.add(s[i]!);
        if (s[i + 1]! < MAX_CODE_POINT) points.add(s[i + 1]! + 1);
      }
    }
    const starts = [...points].sort((a, b) => a - b);
    const ids = new Map<string, number>();
    const signatures: boolean[][] = [];
    const symbolOf = starts.map((lo) => {
      const signature = all.map((s) => contains(s, lo));
      const key = signature.map((b) => (b ? "1" : "0")).join("");
      let id = ids.get(key);
      if (id === undefined) {
        id = signatures.length;
        signatures.push(signature);
        ids.set(key, id);
      }
      return id;
    });
    this.count = signatures.length;
    this.member = new Uint8Array(sets.length * this.count);
    this.word = new Uint8Array(this.count);
    signatures.forEach((sig, symbol) => {
      for (let s = 0; s < sets.length; s++) if (sig[s]) this.member[s * this.count + symbol] = 1;
      if (sig[sets.length]) this.word[symbol] = 1;
    });
    this.#starts = Int32Array.from(starts);
    this.#symbolOf = Int32Array.from(symbolOf);
    for (let cp = 0; cp < 128; cp++) this.#ascii[cp] = this.#lookup(cp);
  }

  /** The symbol of a code point. */
  of(cp: number): number {
    return cp < 128 ? this.#ascii[cp]! : this.#lookup(cp);
  }

  #lookup(cp: number): number {
    const starts = this.#starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= cp) lo = mid;
      else hi = mid - 1;
    }
    return this.#symbolOf[lo]!;
  }
}

/** True when the UTF-16 unit at `i` is a `\w` character (word characters are ASCII). */
export function isWordUnit(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || (c >= 0x61 && c <= 0x7a);
}
