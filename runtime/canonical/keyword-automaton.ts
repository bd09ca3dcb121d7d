/**
 * A keyword automaton (Aho & Corasick, "Efficient string matching", CACM 1975): every
 * keyword of every classifier in one trie with failure links, so one pass over the
 * text finds all of them, whatever their number. Built once per plan at link time.
 * Transitions live in one Map keyed by `state * 65536 + charCode` (UTF-16 units), so
 * a step is one integer-keyed lookup.
 */

/** One keyword and what it reports. */
export interface Keyword {
  readonly text: string;
  /** The classifier it belongs to. */
  readonly classifier: number;
  /** Only as a whole word: the characters around it are not letters, digits or `_`. */
  readonly wholeWord: boolean;
}

const WORD = /[\p{L}\p{N}_]/u;

function isWordAt(text: string, i: number): boolean {
  return i >= 0 && i < text.length && WORD.test(text[i]!);
}

export class AhoCorasick {
  readonly #goto = new Map<number, number>();
  /** fail[s]: the longest proper suffix state of s. */
  readonly #fail: number[] = [0];
  /** out[s]: keywords ending at s, including those of its failure chain. */
  readonly #out: (readonly Keyword[])[] = [[]];

  constructor(keywords: readonly Keyword[]) {
    for (const k of keywords) {
      let state = 0;
      for (let i = 0; i < k.text.length; i++) {
        const key = state * 65536 + k.text.charCodeAt(i);
        let next = this.#goto.get(key);
        if (next === undefined) {
          next = this.#fail.length;
          this.#fail.push(0);
          this.#out.push([]);
          this.#goto.set(key, next);
        }
        state = next;
      }
      this.#out[state] = [...this.#out[state]!, k];
    }
    this.#link();
  }

  /** Breadth-first failure links; outputs inherit their failure state's outputs. */
  #link(): void {
    const children = new Map<number, [number, number][]>();
    for (const [key, next] of this.#goto) {
      const parent = Math.floor(key / 65536);
      let list = children.get(parent);
      if (list === undefined) children.set(parent, (list = []));
      list.push([key % 65536, next]);
    }
    const queue: number[] = [];
    for (const [, next] of children.get(0) ?? []) queue.push(next);
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      for (const [ch, next] of children.get(state) ?? []) {
        let f = this.#fail[state]!;
        while (f !== 0 && !this.#goto.has(f * 65536 + ch)) f = this.#fail[f]!;
        const target = this.#goto.get(f * 65536 + ch);
        this.#fail[next] = target !== undefined && target !== next ? target : 0;
        const inherited = this.#out[this.#fail[next]!]!;
        if (inherited.length > 0) this.#out[next] = [...this.#out[next]!, ...inherited];
        queue.push(next);
      }
    }
  }

  /** Marks `hits[classifier] = true` for every keyword found in `text`. */
  scan(text: string, hits: boolean[]): void {
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      let next = this.#goto.get(state * 65536 + ch);
      while (next === undefined && state !== 0) {
        state = this.#fail[state]!;
        next = this.#goto.get(state * 65536 + ch);
      }
      state = next ?? 0;
      const out = this.#out[state]!;
      for (let k = 0; k < out.length; k++) {
        const kw = out[k]!;
        if (hits[kw.classifier] === true) continue;
        if (kw.wholeWord && (isWordAt(text, i - kw.text.length) || isWordAt(text, i + 1))) continue;
        hits[kw.classifier] = true;
      }
    }
  }
}
