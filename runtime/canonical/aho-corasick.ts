/**
 * One Aho–Corasick automaton (Aho & Corasick, "Efficient string matching", CACM 1975)
 * for every multi-pattern search of the gateway: guardrail deny terms (substrings, or
 * whole words, case-insensitive or not) and the content classifiers' keywords. Every
 * pattern goes into one trie with failure links, built once per plan at link time,
 * so one pass over the text finds all of them whatever their number.
 *
 * It runs over UTF-16 code units. Case folding and word boundaries are the shared
 * rules of schemas/plan/word-match.ts (folding is one-to-one per unit, so offsets in
 * the folded text are offsets in the original; CJK and other unspaced scripts never
 * fail a word boundary). Transitions live in one Map keyed by `state * 65536 + unit`,
 * and a bitmap of the units that can start a pattern lets the scan skip the rest
 * without a lookup.
 *
 * A loop over code units in JavaScript costs several nanoseconds a unit; V8's regex
 * engine runs a literal alternation natively. So for an ASCII text, a small automaton
 * first asks one regex of its (folded) ASCII patterns whether any occurs at all, and
 * skips the walk when none does: most texts hold no deny term. It is only a filter:
 * whole-word checks and offsets stay the automaton's.
 */
import { codePointAt, codePointBefore, foldUnit, isSpacedWordChar } from "../../schemas/plan/word-match.js";
import { escapeRegex } from "../base/regex-escape.js";

/** One pattern: its text, and whether it must stand as a whole word. */
export interface Pattern {
  readonly text: string;
  readonly wholeWord: boolean;
}

/** Receives an occurrence of pattern `pattern` at `text.slice(start, end)`; returning false ends the scan. */
export type PatternVisitor = (pattern: number, start: number, end: number) => boolean | void;

let foldTable: Uint16Array | null = null;
/** Code unit → its folded unit; built on first use (a few ms). */
function folds(): Uint16Array {
  if (foldTable !== null) return foldTable;
  const table = new Uint16Array(65536);
  for (let c = 0; c < 65536; c++) table[c] = foldUnit(c);
  return (foldTable = table);
}

let wordTable: Uint8Array | null = null;
/** BMP code point → 1 when it is a word character of a spaced script; built on first use. */
function words(): Uint8Array {
  if (wordTable !== null) return wordTable;
  const table = new Uint8Array(65536);
  for (let c = 0; c < 65536; c++) if (c < 0xd800 || c > 0xdfff) table[c] = isSpacedWordChar(c) ? 1 : 0;
  return (wordTable = table);
}

function isWord(cp: number): boolean {
  return cp >= 0 && (cp < 65536 ? words()[cp] === 1 : isSpacedWordChar(cp));
}

/** The automaton of one set of patterns (one term group, or one classifier table's folded or exact keywords). */
export class AhoCorasick {
  readonly #goto = new Map<number, number>();
  /** fail[s]: the state of the longest proper suffix of s that is a trie prefix. */
  readonly #fail: number[] = [0];
  /** out[s]: patterns ending at s, including those of its failure chain. */
  readonly #out: number[][] = [[]];
  readonly #lengths: Int32Array;
  /** Per pattern: whether its first and last characters are word characters that a whole-word match checks. */
  readonly #checkStart: Uint8Array;
  readonly #checkEnd: Uint8Array;
  readonly #fold: Uint16Array | null;
  /** Units that leave the root state. */
  readonly #starts = new Uint8Array(65536);
  /** For ASCII texts: false when no pattern can occur in them (see the file comment); null when not used. */
  readonly #asciiFilter: RegExp | null;

  /** `foldCase`: match case-insensitively. Empty patterns never match. */
  constructor(patterns: readonly Pattern[], options: { readonly foldCase: boolean }) {
    this.#fold = options.foldCase ? folds() : null;
    this.#lengths = Int32Array.from(patterns, (p) => p.text.length);
    this.#checkStart = Uint8Array.from(patterns, (p) => (p.wholeWord && p.text.length > 0 && isWord(p.text.codePointAt(0)!) ? 1 : 0));
    this.#checkEnd = Uint8Array.from(patterns, (p) => (p.wholeWord && p.text.length > 0 && isWord(codePointBefore(p.text, p.text.length)) ? 1 : 0));
    patterns.forEach((p, index) => {
      if (p.text.length === 0) return;
      let state = 0;
      for (let i = 0; i < p.text.length; i++) {
        const unit = this.#unit(p.text.charCodeAt(i));
        if (state === 0) this.#starts[unit] = 1;
        const key = state * 65536 + unit;
        let next = this.#goto.get(key);
        if (next === undefined) {
          next = this.#fail.length;
          this.#fail.push(0);
          this.#out.push([]);
          this.#goto.set(key, next);
        }
        state = next;
      }
      this.#out[state]!.push(index);
    });
    this.#link();
    this.#asciiFilter = asciiFilter(patterns, this.#fold);
  }

  #unit(c: number): number {
    return this.#fold === null ? c : this.#fold[c]!;
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
      for (const [unit, next] of children.get(state) ?? []) {
        let f = this.#fail[state]!;
        while (f !== 0 && !this.#goto.has(f * 65536 + unit)) f = this.#fail[f]!;
        const target = this.#goto.get(f * 65536 + unit);
        this.#fail[next] = target !== undefined && target !== next ? target : 0;
        const inherited = this.#out[this.#fail[next]!]!;
        if (inherited.length > 0) this.#out[next] = [...this.#out[next]!, ...inherited];
        queue.push(next);
      }
    }
  }

  /** Visits every occurrence (overlapping ones included) in order of their ends; whole-word patterns only where they stand as words. */
  scan(text: string, visit: PatternVisitor): void {
    const filter = this.#asciiFilter;
    if (filter !== null && !NON_ASCII.test(text) && !filter.test(text)) return;
    const fold = this.#fold;
    const starts = this.#starts;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const unit = fold === null ? c : fold[c]!;
      if (state === 0) {
        if (starts[unit] === 0) continue;
        state = this.#goto.get(unit)!;
      } else {
        let next = this.#goto.get(state * 65536 + unit);
        while (next === undefined && state !== 0) {
          state = this.#fail[state]!;
          next = this.#goto.get(state * 65536 + unit);
        }
        state = next ?? 0;
      }
      const ends = this.#out[state]!;
      for (let k = 0; k < ends.length; k++) {
        const pattern = ends[k]!;
        const start = i + 1 - this.#lengths[pattern]!;
        if (this.#checkStart[pattern] === 1 && isWord(codePointBefore(text, start))) continue;
        if (this.#checkEnd[pattern] === 1 && isWord(codePointAt(text, i + 1))) continue;
        if (visit(pattern, start, i + 1) === false) return;
      }
    }
  }
}

/** Above this many patterns the alternation is not worth compiling: the automaton's walk is as good. */
const MAX_FILTER_PATTERNS = 256;
const NON_ASCII = /[^\x00-\x7F]/;
/** Matches nothing: for an automaton none of whose patterns can occur in an ASCII text. */
const NEVER = /(?!)/;

/**
 * One regex that finds, in an ASCII text, every place where a pattern of the automaton
 * occurs (whole-word or not). Patterns are taken as the automaton matches them (folded
 * when it folds case); one with a non-ASCII unit after folding cannot occur in an ASCII
 * text and is left out. ASCII case-insensitivity (`i` without `u`) is exactly the
 * folding of ASCII units (foldUnit).
 */
function asciiFilter(patterns: readonly Pattern[], fold: Uint16Array | null): RegExp | null {
  if (patterns.length > MAX_FILTER_PATTERNS) return null;
  const sources: string[] = [];
  for (const p of patterns) {
    if (p.text.length === 0) continue;
    let folded = "";
    for (let i = 0; i < p.text.length; i++) folded += String.fromCharCode(fold === null ? p.text.charCodeAt(i) : fold[p.text.charCodeAt(i)]!);
    if (NON_ASCII.test(folded)) continue;
    sources.push(escapeRegex(folded));
  }
  if (sources.length === 0) return NEVER;
  return new RegExp(sources.join("|"), fold === null ? "" : "i");
}
