/**
 * JavaScript regular-expression syntax (the `u` flag's strict grammar) parsed into the
 * tree the linear-time engine compiles. The caller has already had V8 compile the
 * source with `u`, so the source is well-formed; this parser refuses the constructs
 * a finite automaton cannot run (look-around and back-references), each with the
 * offset where it starts, and nesting deeper than MAX_NESTING (so it never recurses
 * without bound). Capturing groups are plain groups here: matching never reports them.
 */
import { DIGIT, DOT, SPACE, WORD, complement, propertySet, single, union, type CharSet } from "./char-set.js";

/** A regex tree node. */
export type RegexNode =
  | { readonly t: "empty" }
  | { readonly t: "set"; readonly set: CharSet }
  | { readonly t: "cat"; readonly items: readonly RegexNode[] }
  | { readonly t: "alt"; readonly items: readonly RegexNode[] }
  | { readonly t: "rep"; readonly item: RegexNode; readonly min: number; readonly max: number; readonly greedy: boolean }
  | { readonly t: "assert"; readonly kind: AssertKind };

/** `^` (start of input), `$` (end of input), `\b`, `\B`. */
export type AssertKind = "start" | "end" | "word" | "not-word";

/** Why a source cannot run on the linear-time engine, and where. */
export class RegexUnsupported extends Error {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
  }
}

/** Deepest group nesting accepted (V8 accepts more; a policy regex never needs it). */
export const MAX_NESTING = 64;

const EMPTY: RegexNode = { t: "empty" };

/** Parses a well-formed `u`-mode source; throws RegexUnsupported. */
export function parseRegex(source: string): RegexNode {
  const p = new Parser(source);
  const node = p.disjunction(0);
  if (p.pos < source.length) throw new RegexUnsupported(`unexpected \`${source[p.pos]}\``, p.pos);
  return node;
}

class Parser {
  pos = 0;
  constructor(readonly src: string) {}

  disjunction(depth: number): RegexNode {
    const items = [this.alternative(depth)];
    while (this.src[this.pos] === "|") {
      this.pos++;
      items.push(this.alternative(depth));
    }
    return items.length === 1 ? items[0]! : { t: "alt", items };
  }

  alternative(depth: number): RegexNode {
    const items: RegexNode[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== "|" && this.src[this.pos] !== ")") {
      items.push(this.quantified(this.term(depth)));
    }
    return items.length === 0 ? EMPTY : items.length === 1 ? items[0]! : { t: "cat", items };
  }

  /** One atom or assertion (quantifiers are applied by the caller). */
  term(depth: number): RegexNode {
    const src = this.src;
    const ch = src[this.pos]!;
    switch (ch) {
      case "^":
        this.pos++;
        return { t: "assert", kind: "start" };
      case "$":
        this.pos++;
        return { t: "assert", kind: "end" };
      case ".":
        this.pos++;
        return { t: "set", set: DOT };
      case "[":
        return { t: "set", set: this.charClass() };
      case "(":
        return this.group(depth);
      case "\\":
        return this.escape();
      default: {
        const cp = src.codePointAt(this.pos)!;
        this.pos += cp > 0xffff ? 2 : 1;
        return { t: "set", set: single(cp) };
      }
    }
  }

  group(depth: number): RegexNode {
    const start = this.pos;
    if (depth >= MAX_NESTING) throw new RegexUnsupported(`groups nest deeper than ${MAX_NESTING} levels`, start);
    const src = this.src;
    this.pos++;
    if (src[this.pos] === "?") {
      const next = src[this.pos + 1];
      if (next === ":") this.pos += 2;
      else if (next === "=" || next === "!") throw new RegexUnsupported(`look-ahead \`(?${next}\``, start);
      else if (next === "<" && (src[this.pos + 2] === "=" || src[this.pos + 2] === "!")) throw new RegexUnsupported(`look-behind \`(?<${src[this.pos + 2]}\``, start);
      else if (next === "<") {
        const close = src.indexOf(">", this.pos);
        this.pos = close + 1;
      } else throw new RegexUnsupported(`group modifier \`(?${next ?? ""}\``, start);
    }
    const inner = this.disjunction(depth + 1);
    if (src[this.pos] !== ")") throw new RegexUnsupported("unterminated group", start);
    this.pos++;
    return inner;
  }

  quantified(atom: RegexNode): RegexNode {
    const src = this.src;
    let min: number;
    let max: number;
    const ch = src[this.pos];
    if (ch === "*" || ch === "+" || ch === "?") {
      this.pos++;
      min = ch === "+" ? 1 : 0;
      max = ch === "?" ? 1 : Infinity;
    } else if (ch === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(this.pos, this.pos + 40));
      if (m === null) return atom;
      this.pos += m[0].length;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
    } else return atom;
    let greedy = true;
    if (src[this.pos] === "?") {
      this.pos++;
      greedy = false;
    }
    return { t: "rep", item: atom, min, max, greedy };
  }

  /** `\…` outside a class. */
  escape(): RegexNode {
    const start = this.pos;
    const c = this.src[this.pos + 1];
    if (c === "b" || c === "B") {
      this.pos += 2;
      return { t: "assert", kind: c === "b" ? "word" : "not-word" };
    }
    if (c !== undefined && /[1-9]/.test(c)) throw new RegexUnsupported(`back-reference \`\\${c}\``, start);
    if (c === "k") throw new RegexUnsupported("back-reference `\\k<…>`", start);
    return { t: "set", set: this.escapeSet(false) };
  }

  /** The set of an escape at `pos` (a class escape or one code point); advances past it. */
  escapeSet(inClass: boolean): CharSet {
    const src = this.src;
    const start = this.pos;
    const c = src[start + 1]!;
    this.pos = start + 2;
    switch (c) {
      case "d":
        return DIGIT;
      case "D":
        return complement(DIGIT);
      case "w":
        return WORD;
      case "W":
        return complement(WORD);
      case "s":
        return SPACE;
      case "S":
        return complement(SPACE);
      case "p":
      case "P": {
        const close = src.indexOf("}", this.pos);
        const body = src.slice(this.pos + 1, close);
        this.pos = close + 1;
        const set = propertySet(body);
        return c === "p" ? set : complement(set);
      }
      default:
        this.pos = start;
        return single(this.escapedCodePoint(inClass));
    }
  }

  /** The code point of a character escape at `pos` (`\n`, `\x41`, `\u{1F600}`, `\/`, …); advances past it. */
  escapedCodePoint(inClass: boolean): number {
    const src = this.src;
    const c = src[this.pos + 1]!;
    this.pos += 2;
    switch (c) {
      case "t":
        return 0x09;
      case "n":
        return 0x0a;
      case "v":
        return 0x0b;
      case "f":
        return 0x0c;
      case "r":
        return 0x0d;
      case "0":
        return 0;
      case "b":
        if (inClass) return 0x08;
        break;
      case "c": {
        const letter = src.charCodeAt(this.pos);
        this.pos++;
        return letter % 32;
      }
      case "x": {
        const hex = src.slice(this.pos, this.pos + 2);
        this.pos += 2;
        return parseInt(hex, 16);
      }
      case "u":
        return this.unicodeEscape();
    }
    // An identity escape: a syntax character, `/` or (in a class) `-`.
    return c.codePointAt(0)!;
  }

  /** After `\u`: `{…}`, or four hex digits (a surrogate pair written as two escapes is one code point). */
  unicodeEscape(): number {
    const src = this.src;
    if (src[this.pos] === "{") {
      const close = src.indexOf("}", this.pos);
      const cp = parseInt(src.slice(this.pos + 1, close), 16);
      this.pos = close + 1;
      return cp;
    }
    const unit = parseInt(src.slice(this.pos, this.pos + 4), 16);
    this.pos += 4;
    if (unit >= 0xd800 && unit <= 0xdbff && /^\\u[dD][c-fC-F][0-9a-fA-F]{2}/.test(src.slice(this.pos, this.pos + 6))) {
      const low = parseInt(src.slice(this.pos + 2, this.pos + 6), 16);
      this.pos += 6;
      return (unit - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
    }
    return unit;
  }

  /** `[…]` at `pos`: its set; advances past it. */
  charClass(): CharSet {
    const src = this.src;
    this.pos++;
    let negated = false;
    if (src[this.pos] === "^") {
      negated = true;
      this.pos++;
    }
    const parts: CharSet[] = [];
    while (src[this.pos] !== "]") {
      const from = this.classAtom();
      if (src[this.pos] === "-" && src[this.pos + 1] !== "]" && !this.#lastWasClassEscape) {
        this.pos++;
        const to = this.classAtom();
        parts.push([from[0]!, to[1]!]);
      } else parts.push(from);
    }
    this.pos++;
    const set = union(...parts);
    return negated ? complement(set) : set;
  }

  /** True when the class atom just read was a class escape like `\d` (never a range bound). */
  #lastWasClassEscape = false;

  /** One class atom: a code point, or a class escape's set. */
  classAtom(): CharSet {
    const src = this.src;
    this.#lastWasClassEscape = false;
    if (src[this.pos] === "\\") {
      const c = src[this.pos + 1]!;
      if ("dDwWsSpP".includes(c)) {
        this.#lastWasClassEscape = true;
        return this.escapeSet(true);
      }
      return single(this.escapedCodePoint(true));
    }
    const cp = src.codePointAt(this.pos)!;
    this.pos += cp > 0xffff ? 2 : 1;
    return single(cp);
  }
}
