/**
 * The policy's regular expressions, run in time linear in the input: JavaScript syntax
 * and meaning (compiled with the `u` flag, as policies always were), executed by a
 * lazily built DFA (schemas/plan/regex/) instead of V8's backtracking engine, so no
 * pattern and no input can make matching superlinear. Compiler and runtime share this
 * file: what `tollgate check` accepts is exactly what the gateway runs.
 *
 * Accepted: every construct a finite automaton can run (classes, `\p{…}`, groups,
 * alternation, greedy and lazy quantifiers, `^`, `$`, `\b`, `\B`), up to
 * MAX_INSTRUCTIONS automaton states (counted repetitions multiply). Refused, with the
 * offset where they start: look-around, back-references, deeper nesting than
 * MAX_NESTING. Matching reports where a match starts and ends (leftmost, then
 * JavaScript's preference among alternatives and quantifiers), never capture groups.
 */
import { LazyDfa, type DfaState } from "./regex/lazy-dfa.js";
import { compileProgram, MAX_INSTRUCTIONS, type Program } from "./regex/program.js";
import { Symbols, isWordUnit } from "./regex/symbols.js";
import { MAX_NESTING, RegexUnsupported, parseRegex, type RegexNode } from "./regex/syntax.js";

export { MAX_INSTRUCTIONS, MAX_NESTING };

/** Characters a scan may read per input character before its matches end as early as they can (see LinearRegex.scan). */
const SCAN_BUDGET = 8;

/** The flags policy regexes are written for (and validated with). */
export const POLICY_REGEX_FLAGS = "u";

/** One match: `[start, end)` in UTF-16 units, and which of the compiled patterns matched. */
export interface LinearMatch {
  readonly start: number;
  readonly end: number;
  readonly pattern: number;
}

/** Why a pattern was refused: not a regex at all, or a construct the linear engine cannot run. */
export interface RegexRefusal {
  readonly kind: "invalid" | "unsupported";
  /** V8's reason (invalid) or the construct and why (unsupported). */
  readonly reason: string;
  /** Offset in the source where the refused construct starts (0 when it is the whole pattern). */
  readonly index: number;
  /** Which source of the list (for alternations compiled together). */
  readonly pattern: number;
}

/** A set of patterns compiled together (one pattern is the common case). */
export class LinearRegex {
  readonly sources: readonly string[];
  readonly #trees: readonly RegexNode[];
  #forward: Program | null = null;
  #symbols: Symbols | null = null;
  #any: LazyDfa | null = null;
  #first: LazyDfa | null = null;
  #backward: LazyDfa | null = null;

  private constructor(sources: readonly string[], trees: readonly RegexNode[]) {
    this.sources = sources;
    this.#trees = trees;
    // Both programs are built now, so a pattern over the size budget fails here, never mid-request.
    this.#forwardProgram();
    this.#backwardDfa();
  }

  /** Compiles patterns (matched as one alternation, in order of preference), or says why not. */
  static compile(sources: readonly string[]): LinearRegex | RegexRefusal {
    const trees: RegexNode[] = [];
    for (let i = 0; i < sources.length; i++) {
      const source = sources[i]!;
      try {
        new RegExp(source, POLICY_REGEX_FLAGS);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        // "Invalid regular expression: /x(/u: Unterminated group" → "Unterminated group".
        return { kind: "invalid", reason: message.replace(/^Invalid regular expression: \/.*\/\w*: /s, ""), index: 0, pattern: i };
      }
      try {
        trees.push(parseRegex(source));
      } catch (err) {
        return refusal(err, i);
      }
    }
    try {
      return new LinearRegex(sources, trees);
    } catch (err) {
      return refusal(err, 0);
    }
  }

  /** Compiles one pattern; throws (with the reason) when it is refused. For plans the compiler already checked. */
  static of(source: string): LinearRegex {
    return LinearRegex.orThrow([source]);
  }

  /** Compiles patterns as one alternation; throws when one is refused. */
  static orThrow(sources: readonly string[]): LinearRegex {
    const compiled = LinearRegex.compile(sources);
    if (compiled instanceof LinearRegex) return compiled;
    throw new Error(`regex ${JSON.stringify(sources[compiled.pattern] ?? "")} cannot be used: ${compiled.reason}`);
  }

  /** True when some pattern matches somewhere in `text`. */
  test(text: string): boolean {
    const dfa = (this.#any ??= new LazyDfa(this.#forwardProgram(), this.#symbolsOf(), "all"));
    const symbols = dfa.symbols;
    const n = text.length;
    let state = dfa.start(false, true);
    let i = 0;
    while (i < n) {
      if (state.dead) return false;
      let cp = text.charCodeAt(i);
      let width = 1;
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          cp = (cp - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
          width = 2;
        }
      }
      state = dfa.step(state, symbols.of(cp));
      if (state.matchBefore >= 0) return true;
      i += width;
    }
    return dfa.final(state, false, true) >= 0;
  }

  /** The first match at or after `from` (the one JavaScript's `exec` would report), or null. */
  find(text: string, from = 0): LinearMatch | null {
    // As V8 does under `u`: a start inside a surrogate pair means the whole pair.
    if (from > 0 && from < text.length && isLowSurrogate(text.charCodeAt(from)) && isHighSurrogate(text.charCodeAt(from - 1))) from--;
    const end = this.#matchEnd(text, from, false);
    if (end.at < 0) return null;
    return { start: this.#matchStart(text, end.at, from), end: end.at, pattern: end.pattern };
  }

  /**
   * Every non-empty match, left to right and not overlapping, as `exec` with the `g`
   * flag finds them. Finding where a preferred match ends may read past it (`.*b|a`
   * reads to the end of the input for every `a`), which repeated over many matches is
   * quadratic; so the reading is budgeted at SCAN_BUDGET characters per input
   * character, and past the budget each match ends at the earliest place it can
   * (same matches found, possibly shorter), which keeps the whole scan linear.
   */
  scan(text: string, visit: (start: number, end: number, pattern: number) => void): void {
    const n = text.length;
    const budget = SCAN_BUDGET * n + 1024;
    let work = 0;
    let from = 0;
    while (from <= n) {
      const end = this.#matchEnd(text, from, work > budget);
      work += end.read - from;
      if (end.at < 0) return;
      const start = this.#matchStart(text, end.at, from);
      work += end.at - start;
      if (end.at > start) {
        visit(start, end.at, end.pattern);
        from = end.at;
      } else from = end.at + (end.at + 1 < n && isHighSurrogate(text.charCodeAt(end.at)) && isLowSurrogate(text.charCodeAt(end.at + 1)) ? 2 : 1);
    }
  }

  /**
   * Where the match found from `from` ends: JavaScript's preferred (leftmost-first)
   * match, or with `earliest` the first place any match ends; `read` is where reading stopped.
   */
  #matchEnd(text: string, from: number, earliest: boolean): { at: number; pattern: number; read: number } {
    const dfa = earliest
      ? (this.#any ??= new LazyDfa(this.#forwardProgram(), this.#symbolsOf(), "all"))
      : (this.#first ??= new LazyDfa(this.#forwardProgram(), this.#symbolsOf(), "first"));
    const symbols = dfa.symbols;
    const n = text.length;
    let state: DfaState = dfa.start(isWordUnit(text, from - 1), from === 0);
    let at = -1;
    let pattern = -1;
    let i = from;
    for (;;) {
      if (state.dead) break;
      if (i >= n) {
        const id = dfa.final(state, false, true);
        if (id >= 0) {
          at = n;
          pattern = id;
        }
        break;
      }
      let cp = text.charCodeAt(i);
      let width = 1;
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < n) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          cp = (cp - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
          width = 2;
        }
      }
      state = dfa.step(state, symbols.of(cp));
      if (state.matchBefore >= 0) {
        at = i;
        pattern = state.matchBefore;
        if (earliest) break;
      }
      i += width;
    }
    return { at, pattern, read: i };
  }

  /** Where the match ending at `end` starts: the leftmost start at or after `from`, found by reading backwards. */
  #matchStart(text: string, end: number, from: number): number {
    const dfa = this.#backwardDfa();
    const symbols = dfa.symbols;
    let state = dfa.start(isWordUnit(text, end), end === text.length);
    let best = end;
    let i = end;
    for (;;) {
      if (state.dead) break;
      if (i <= from) {
        if (dfa.final(state, isWordUnit(text, from - 1), from === 0) >= 0) best = from;
        break;
      }
      let cp = text.charCodeAt(i - 1);
      let width = 1;
      if (cp >= 0xdc00 && cp <= 0xdfff && i - 2 >= from) {
        const high = text.charCodeAt(i - 2);
        if (high >= 0xd800 && high <= 0xdbff) {
          cp = (high - 0xd800) * 0x400 + (cp - 0xdc00) + 0x10000;
          width = 2;
        }
      }
      state = dfa.step(state, symbols.of(cp));
      if (state.matchBefore >= 0) best = i;
      i -= width;
    }
    return best;
  }

  #forwardProgram(): Program {
    return (this.#forward ??= compileProgram(this.#trees, { unanchored: true, reversed: false }));
  }

  #symbolsOf(): Symbols {
    return (this.#symbols ??= new Symbols(this.#forwardProgram().sets));
  }

  #backwardDfa(): LazyDfa {
    if (this.#backward !== null) return this.#backward;
    const program = compileProgram(this.#trees, { unanchored: false, reversed: true });
    return (this.#backward = new LazyDfa(program, new Symbols(program.sets), "all"));
  }
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function refusal(err: unknown, pattern: number): RegexRefusal {
  if (err instanceof RegexUnsupported) return { kind: "unsupported", reason: err.message, index: err.index, pattern };
  // Anything else (a stack overflow on a pathological source, say) is a refusal too, never a crash.
  return { kind: "unsupported", reason: `it could not be compiled (${err instanceof Error ? err.message : String(err)})`, index: 0, pattern };
}
