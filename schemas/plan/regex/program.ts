/**
 * Regex trees compiled to a Thompson NFA program: instructions that consume one code
 * point of a set, split (first branch preferred), jump, check an assertion, or match.
 * Counted repetition is expanded, so the program's size is the cost of one input
 * character in the worst case; MAX_INSTRUCTIONS bounds it, which is what makes every
 * accepted pattern linear with a known constant. A program can be built reversed, to
 * find where a match starts by running it backwards from where the match ended.
 */
import { ANY, type CharSet } from "./char-set.js";
import { RegexUnsupported, type AssertKind, type RegexNode } from "./syntax.js";

/** Instruction kinds. */
export const SET = 0;
export const SPLIT = 1;
export const JMP = 2;
export const ASSERT = 3;
export const MATCH = 4;

/** Assertion codes of ASSERT instructions. */
export const A_START = 0;
export const A_END = 1;
export const A_WORD = 2;
export const A_NOT_WORD = 3;

/** Most instructions one program may have (each costs at most one step per input character). */
export const MAX_INSTRUCTIONS = 4000;

/** A compiled program. Instruction `pc` is (`op[pc]`, `arg[pc]`, `out[pc]`, `out1[pc]`). */
export interface Program {
  readonly op: Uint8Array;
  /** SET: the set's index in `sets`; ASSERT: the assertion code; MATCH: the pattern's id. */
  readonly arg: Int32Array;
  readonly out: Int32Array;
  /** SPLIT's second (less preferred) branch. */
  readonly out1: Int32Array;
  readonly start: number;
  /** The distinct sets SET instructions consume. */
  readonly sets: readonly CharSet[];
}

/** Instructions a tree needs (saturating at MAX_INSTRUCTIONS + 1), computed without expanding it. */
export function instructionCount(node: RegexNode): number {
  const cap = MAX_INSTRUCTIONS + 1;
  switch (node.t) {
    case "empty":
      return 0;
    case "set":
    case "assert":
      return 1;
    case "cat":
      return Math.min(
        cap,
        node.items.reduce((n, i) => n + instructionCount(i), 0),
      );
    case "alt":
      return Math.min(cap, node.items.reduce((n, i) => n + instructionCount(i), 0) + node.items.length - 1);
    case "rep": {
      const body = instructionCount(node.item);
      const optional = node.max === Infinity ? body + 1 : (node.max - node.min) * (body + 1);
      return Math.min(cap, node.min * body + optional);
    }
  }
}

class Builder {
  readonly op: number[] = [];
  readonly arg: number[] = [];
  readonly out: number[] = [];
  readonly out1: number[] = [];
  readonly sets: CharSet[] = [];
  readonly #setIndex = new Map<string, number>();

  constructor(readonly reversed: boolean) {}

  emit(op: number, arg: number, out: number, out1 = -1): number {
    if (this.op.length >= MAX_INSTRUCTIONS + 2) throw new RegexUnsupported(`it needs more than ${MAX_INSTRUCTIONS} automaton states`, 0);
    this.op.push(op);
    this.arg.push(arg);
    this.out.push(out);
    this.out1.push(out1);
    return this.op.length - 1;
  }

  setOf(set: CharSet): number {
    const key = set.join(",");
    let index = this.#setIndex.get(key);
    if (index === undefined) {
      index = this.sets.length;
      this.sets.push(set);
      this.#setIndex.set(key, index);
    }
    return index;
  }

  /** Emits `node` so that it continues at `next`; returns its first instruction. */
  compile(node: RegexNode, next: number): number {
    switch (node.t) {
      case "empty":
        return next;
      case "set":
        return this.emit(SET, this.setOf(node.set), next);
      case "assert":
        return this.emit(ASSERT, assertCode(node.kind, this.reversed), next);
      case "cat": {
        let pc = next;
        const items = node.items;
        if (this.reversed) for (let i = 0; i < items.length; i++) pc = this.compile(items[i]!, pc);
        else for (let i = items.length - 1; i >= 0; i--) pc = this.compile(items[i]!, pc);
        return pc;
      }
      case "alt": {
        const starts = node.items.map((item) => this.compile(item, next));
        let pc = starts[starts.length - 1]!;
        for (let i = starts.length - 2; i >= 0; i--) pc = this.emit(SPLIT, 0, starts[i]!, pc);
        return pc;
      }
      case "rep":
        return this.repeat(node.item, node.min, node.max, node.greedy, next);
    }
  }

  /**
   * `item{min,max}` continuing at `next`. ECMAScript refuses an optional iteration that
   * matches nothing (it backtracks into the iteration instead), so when `item` can
   * match the empty string, optional iterations run a copy of it that must consume.
   */
  repeat(item: RegexNode, min: number, max: number, greedy: boolean, next: number): number {
    let pc = this.#optionalTail(item, max === Infinity ? Infinity : max - min, greedy, next);
    for (let i = 0; i < min; i++) pc = this.compile(item, pc);
    return pc;
  }

  /** `count` optional iterations of `item` (Infinity: a loop) continuing at `next`. */
  #optionalTail(item: RegexNode, count: number, greedy: boolean, next: number): number {
    const nullable = isNullable(item);
    const iteration = (then: number): number => (nullable ? this.compileFresh(item, then, this.#fail()) : this.compile(item, then));
    if (count === Infinity) {
      const loop = this.emit(SPLIT, 0, -1, -1);
      this.#setSplit(loop, iteration(loop), next, greedy);
      return loop;
    }
    let pc = next;
    for (let i = 0; i < count; i++) {
      const split = this.emit(SPLIT, 0, -1, -1);
      this.#setSplit(split, iteration(pc), next, greedy);
      pc = split;
    }
    return pc;
  }

  /**
   * `node` entered before anything of the current iteration was consumed: continues at
   * `consumed` once it read a character, at `empty` when it matched without reading.
   */
  compileFresh(node: RegexNode, consumed: number, empty: number): number {
    switch (node.t) {
      case "empty":
        return empty;
      case "set":
        return this.emit(SET, this.setOf(node.set), consumed);
      case "assert":
        return this.emit(ASSERT, assertCode(node.kind, this.reversed), empty);
      case "cat": {
        const items = this.reversed ? [...node.items].reverse() : node.items;
        let afterConsumed = consumed;
        let afterEmpty = empty;
        for (let i = items.length - 1; i >= 0; i--) {
          const fresh = this.compileFresh(items[i]!, afterConsumed, afterEmpty);
          if (i > 0) afterConsumed = this.compile(items[i]!, afterConsumed);
          afterEmpty = fresh;
        }
        return afterEmpty;
      }
      case "alt": {
        const starts = node.items.map((item) => this.compileFresh(item, consumed, empty));
        let pc = starts[starts.length - 1]!;
        for (let i = starts.length - 2; i >= 0; i--) pc = this.emit(SPLIT, 0, starts[i]!, pc);
        return pc;
      }
      case "rep": {
        const optional = node.max === Infinity ? Infinity : node.max - node.min;
        // An entered optional iteration always consumes, so what follows it is in the consumed state.
        const tailConsumed = this.#optionalTail(node.item, optional, node.greedy, consumed);
        let tailEmpty = empty;
        if (optional > 0) {
          const afterOne = this.#optionalTail(node.item, optional === Infinity ? Infinity : optional - 1, node.greedy, consumed);
          const entered = isNullable(node.item) ? this.compileFresh(node.item, afterOne, this.#fail()) : this.compile(node.item, afterOne);
          tailEmpty = this.emit(SPLIT, 0, -1, -1);
          this.#setSplit(tailEmpty, entered, empty, node.greedy);
        }
        let afterConsumed = tailConsumed;
        let afterEmpty = tailEmpty;
        for (let i = 0; i < node.min; i++) {
          const fresh = this.compileFresh(node.item, afterConsumed, afterEmpty);
          if (i < node.min - 1) afterConsumed = this.compile(node.item, afterConsumed);
          afterEmpty = fresh;
        }
        return afterEmpty;
      }
    }
  }

  /** An instruction no input gets past. */
  #fail(): number {
    return this.emit(SET, this.setOf([]), -1);
  }

  #setSplit(pc: number, body: number, skip: number, greedy: boolean): void {
    this.out[pc] = greedy ? body : skip;
    this.out1[pc] = greedy ? skip : body;
  }

  finish(start: number): Program {
    return {
      op: Uint8Array.from(this.op),
      arg: Int32Array.from(this.arg),
      out: Int32Array.from(this.out),
      out1: Int32Array.from(this.out1),
      start,
      sets: this.sets,
    };
  }
}

/** True when the node can match without reading a character. */
function isNullable(node: RegexNode): boolean {
  switch (node.t) {
    case "empty":
    case "assert":
      return true;
    case "set":
      return false;
    case "cat":
      return node.items.every(isNullable);
    case "alt":
      return node.items.some(isNullable);
    case "rep":
      return node.min === 0 || isNullable(node.item);
  }
}

function assertCode(kind: AssertKind, reversed: boolean): number {
  switch (kind) {
    case "start":
      return reversed ? A_END : A_START;
    case "end":
      return reversed ? A_START : A_END;
    case "word":
      return A_WORD;
    case "not-word":
      return A_NOT_WORD;
  }
}

/**
 * Compiles patterns (as one alternation, pattern `i` ending in MATCH `i`). `unanchored`
 * prefixes the lazy loop that lets a match start anywhere, each later start less
 * preferred than every earlier one (leftmost-first); `reversed` builds the program
 * that reads the input backwards.
 */
export function compileProgram(patterns: readonly RegexNode[], opts: { readonly unanchored: boolean; readonly reversed: boolean }): Program {
  const total = patterns.reduce((n, p) => n + instructionCount(p) + 2, 0);
  if (total > MAX_INSTRUCTIONS) throw new RegexUnsupported(`it needs more than ${MAX_INSTRUCTIONS} automaton states (counted repetitions multiply)`, 0);
  const b = new Builder(opts.reversed);
  const starts = patterns.map((p, i) => b.compile(p, b.emit(MATCH, i, -1)));
  let start = starts[starts.length - 1]!;
  for (let i = starts.length - 2; i >= 0; i--) start = b.emit(SPLIT, 0, starts[i]!, start);
  if (opts.unanchored) {
    const loop = b.emit(SPLIT, 0, start, -1);
    b.out1[loop] = b.emit(SET, b.setOf(ANY), loop);
    start = loop;
  }
  return b.finish(start);
}
