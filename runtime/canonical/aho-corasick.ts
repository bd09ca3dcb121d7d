/**
 * Aho–Corasick over UTF-16 code units: every deny term of a route in one automaton,
 * one pass over the text whatever the number of terms. Case-insensitive automata fold
 * each code unit through a table (simple one-to-one case mapping, so offsets in the
 * folded text are offsets in the original). Whole-word terms are checked at the ends
 * of a match: a term that starts or ends with a letter or digit must not touch another
 * letter or digit there (CJK terms have no word boundaries, so only ASCII edges count).
 */

/** A term occurrence: `text.slice(start, end)`, term index `term`. */
export interface TermHit {
  readonly term: number;
  readonly start: number;
  readonly end: number;
}

let foldTable: Uint16Array | null = null;
/** Code unit → its lower-case code unit when the mapping is one-to-one, else itself. Built on first use (~5 ms). */
function fold(): Uint16Array {
  if (foldTable !== null) return foldTable;
  const table = new Uint16Array(65536);
  for (let c = 0; c < 65536; c++) {
    if (c >= 0xd800 && c <= 0xdfff) {
      table[c] = c;
      continue;
    }
    const lower = String.fromCharCode(c).toLowerCase();
    table[c] = lower.length === 1 ? lower.charCodeAt(0) : c;
  }
  foldTable = table;
  return table;
}

const isAsciiWord = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

export class TermAutomaton {
  readonly #next: Map<number, number>[] = [new Map()];
  readonly #fail: number[] = [0];
  /** Terms ending at each state (its own and, through failure links, its suffixes'). */
  readonly #out: number[][] = [[]];
  readonly #lengths: number[];
  readonly #wordEdges: boolean[];
  readonly #fold: Uint16Array | null;

  constructor(terms: readonly string[], options: { caseSensitive: boolean; wholeWords: boolean }) {
    this.#fold = options.caseSensitive ? null : fold();
    this.#lengths = terms.map((t) => t.length);
    this.#wordEdges = terms.map(() => options.wholeWords);
    terms.forEach((term, index) => {
      let state = 0;
      for (let i = 0; i < term.length; i++) {
        const c = this.#unit(term.charCodeAt(i));
        let to = this.#next[state]!.get(c);
        if (to === undefined) {
          to = this.#next.length;
          this.#next.push(new Map());
          this.#fail.push(0);
          this.#out.push([]);
          this.#next[state]!.set(c, to);
        }
        state = to;
      }
      this.#out[state]!.push(index);
    });
    // Breadth-first failure links.
    const queue: number[] = [...this.#next[0]!.values()];
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      for (const [c, to] of this.#next[state]!) {
        let f = this.#fail[state]!;
        while (f !== 0 && !this.#next[f]!.has(c)) f = this.#fail[f]!;
        const target = this.#next[f]!.get(c);
        this.#fail[to] = target !== undefined && target !== to ? target : 0;
        this.#out[to]!.push(...this.#out[this.#fail[to]!]!);
        queue.push(to);
      }
    }
  }

  #unit(c: number): number {
    return this.#fold === null ? c : this.#fold[c]!;
  }

  /** Appends every occurrence (overlapping ones included) to `out`. */
  scan(text: string, out: TermHit[]): void {
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const c = this.#unit(text.charCodeAt(i));
      let to = this.#next[state]!.get(c);
      while (to === undefined && state !== 0) {
        state = this.#fail[state]!;
        to = this.#next[state]!.get(c);
      }
      state = to ?? 0;
      const ends = this.#out[state]!;
      for (let k = 0; k < ends.length; k++) {
        const term = ends[k]!;
        const start = i + 1 - this.#lengths[term]!;
        if (this.#wordEdges[term] && !this.#onWordEdges(text, start, i + 1)) continue;
        out.push({ term, start, end: i + 1 });
      }
    }
  }

  #onWordEdges(text: string, start: number, end: number): boolean {
    const first = text.charCodeAt(start);
    const last = text.charCodeAt(end - 1);
    if (isAsciiWord(first) && start > 0 && isAsciiWord(text.charCodeAt(start - 1))) return false;
    if (isAsciiWord(last) && end < text.length && isAsciiWord(text.charCodeAt(end))) return false;
    return true;
  }
}
