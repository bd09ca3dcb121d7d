/**
 * A lazily built DFA over a program: each state is the ordered list of NFA threads
 * alive at one input position (in preference order), built the first time the input
 * reaches it and cached, so a scan costs one table lookup per character once warm and
 * at most one pass over the program per character when not: linear in the input
 * whatever the pattern. Assertions are resolved when the next character is known, so
 * a transition also says whether a match ended just before that character.
 *
 * Two disciplines: `first` cuts every thread less preferred than a match (JavaScript's
 * leftmost-first choice, used to find where the preferred match ends); `all` keeps
 * them (any match at all, or the longest when run backwards to find where it starts).
 * The cache is bounded; when full it is emptied and rebuilt as the input needs.
 */
import { ASSERT, A_END, A_NOT_WORD, A_START, A_WORD, JMP, MATCH, SET, SPLIT, type Program } from "./program.js";
import type { Symbols } from "./symbols.js";

/** Cached states before the cache is emptied. */
const MAX_STATES = 4096;
/** Cached thread entries (the states' lists together) before the cache is emptied. */
const MAX_THREADS = 1 << 18;

/** One DFA state. */
export class DfaState {
  /** Transitions by symbol, filled as the input needs them. */
  readonly next: (DfaState | undefined)[] = [];
  /** The match id when a match ended just before the character that led here, else -1. */
  readonly matchBefore: number;
  /** Match id at the end of the scan, by context (see DFA.final), -2 when not yet computed. */
  readonly finals = new Int32Array([-2, -2, -2, -2]);

  constructor(
    readonly threads: Int32Array,
    readonly prevWord: boolean,
    readonly atStart: boolean,
    matchBefore: number,
  ) {
    this.matchBefore = matchBefore;
  }

  /** No thread is alive: nothing more can match. */
  get dead(): boolean {
    return this.threads.length === 0;
  }
}

export class LazyDfa {
  readonly #prog: Program;
  readonly #symbols: Symbols;
  readonly #cut: boolean;
  #states = new Map<string, DfaState>();
  #threadCount = 0;
  readonly #starts: (DfaState | undefined)[] = [];
  readonly #visited: Uint32Array;
  readonly #queued: Uint32Array;
  #generation = 0;
  readonly #stack: number[] = [];
  readonly #nextThreads: number[] = [];

  constructor(prog: Program, symbols: Symbols, discipline: "first" | "all") {
    this.#prog = prog;
    this.#symbols = symbols;
    this.#cut = discipline === "first";
    this.#visited = new Uint32Array(prog.op.length);
    this.#queued = new Uint32Array(prog.op.length);
  }

  get symbols(): Symbols {
    return this.#symbols;
  }

  /** The state before the first character: `prevWord` is the character before the scan. */
  start(prevWord: boolean, atStart: boolean): DfaState {
    const key = (prevWord ? 1 : 0) | (atStart ? 2 : 0);
    let state = this.#starts[key];
    if (state === undefined) {
      state = this.#intern([this.#prog.start], prevWord, atStart, -1);
      this.#starts[key] = state;
    }
    return state;
  }

  /** The state after reading a character of `symbol` in `state`. */
  step(state: DfaState, symbol: number): DfaState {
    const cached = state.next[symbol];
    if (cached !== undefined) return cached;
    if (this.#states.size >= MAX_STATES || this.#threadCount >= MAX_THREADS) this.#reset();
    const threads = this.#nextThreads;
    threads.length = 0;
    const word = this.#symbols.word[symbol] === 1;
    const matched = this.#closure(state, word, false, symbol, threads);
    const next = this.#intern(threads, word, false, matched);
    state.next[symbol] = next;
    return next;
  }

  /**
   * The match id when a match ends where the scan stops in `state`, else -1. The
   * context is what follows: `atEnd` at the input's end, `nextWord` for `\b`.
   */
  final(state: DfaState, nextWord: boolean, atEnd: boolean): number {
    const key = (nextWord ? 1 : 0) | (atEnd ? 2 : 0);
    const cached = state.finals[key]!;
    if (cached !== -2) return cached;
    const matched = this.#closure(state, nextWord, atEnd, -1, null);
    state.finals[key] = matched;
    return matched;
  }

  /**
   * Follows every thread of `state` through splits, jumps and assertions, in preference
   * order; threads that read `symbol` continue into `out`. Returns the first match id
   * reached (-1 when none); under `first`, nothing less preferred than it survives.
   */
  #closure(state: DfaState, nextWord: boolean, atEnd: boolean, symbol: number, out: number[] | null): number {
    const { op, arg, out: next, out1 } = this.#prog;
    const member = this.#symbols.member;
    const count = this.#symbols.count;
    const visited = this.#visited;
    const queued = this.#queued;
    const gen = this.#nextGeneration();
    const stack = this.#stack;
    const prevWord = state.prevWord;
    let matched = -1;
    const roots = state.threads;
    for (let r = 0; r < roots.length; r++) {
      stack.length = 0;
      stack.push(roots[r]!);
      while (stack.length > 0) {
        const pc = stack.pop()!;
        if (visited[pc] === gen) continue;
        visited[pc] = gen;
        switch (op[pc]) {
          case SET:
            if (out !== null && member[arg[pc]! * count + symbol] === 1) {
              const to = next[pc]!;
              if (queued[to] !== gen) {
                queued[to] = gen;
                out.push(to);
              }
            }
            break;
          case SPLIT:
            stack.push(out1[pc]!, next[pc]!);
            break;
          case JMP:
            stack.push(next[pc]!);
            break;
          case ASSERT:
            if (assertionHolds(arg[pc]!, prevWord, state.atStart, nextWord, atEnd)) stack.push(next[pc]!);
            break;
          case MATCH:
            if (matched === -1) matched = arg[pc]!;
            if (this.#cut) return matched;
            break;
        }
      }
    }
    return matched;
  }

  #nextGeneration(): number {
    this.#generation++;
    if (this.#generation === 0xffffffff) {
      this.#visited.fill(0);
      this.#queued.fill(0);
      this.#generation = 1;
    }
    return this.#generation;
  }

  #intern(threads: readonly number[], prevWord: boolean, atStart: boolean, matchBefore: number): DfaState {
    const key = `${prevWord ? 1 : 0}${atStart ? 1 : 0}${matchBefore}:${threads.join(",")}`;
    let state = this.#states.get(key);
    if (state === undefined) {
      state = new DfaState(Int32Array.from(threads), prevWord, atStart, matchBefore);
      this.#states.set(key, state);
      this.#threadCount += threads.length;
    }
    return state;
  }

  /** Empties the cache; states still held by a running scan stay valid (they are immutable but for their caches). */
  #reset(): void {
    this.#states = new Map();
    this.#threadCount = 0;
    this.#starts.length = 0;
  }
}

function assertionHolds(code: number, prevWord: boolean, atStart: boolean, nextWord: boolean, atEnd: boolean): boolean {
  switch (code) {
    case A_START:
      return atStart;
    case A_END:
      return atEnd;
    case A_WORD:
      return prevWord !== nextWord;
    case A_NOT_WORD:
      return prevWord === nextWord;
    default:
      return false;
  }
}
