/**
 * Sets of code points as sorted, disjoint, inclusive ranges (a flat array
 * `[lo0, hi0, lo1, hi1, …]`), with exactly the members JavaScript's `u`-mode regexes
 * give each class: `\d`, `\w` and `\s`, `.`, and `\p{…}` (whose members V8 itself
 * enumerates, once per property, so the engine needs no Unicode tables of its own).
 */

/** The largest code point. */
export const MAX_CODE_POINT = 0x10ffff;

/** A code-point set: sorted, disjoint, non-adjacent inclusive ranges, flattened. */
export type CharSet = readonly number[];

/** The set of one code point. */
export function single(cp: number): CharSet {
  return [cp, cp];
}

/** The union of several sets (inputs need not be normalized). */
export function union(...sets: readonly CharSet[]): CharSet {
  const pairs: [number, number][] = [];
  for (const s of sets) for (let i = 0; i + 1 < s.length; i += 2) pairs.push([s[i]!, s[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const last = out.length - 1;
    if (last >= 0 && lo <= out[last]! + 1) out[last] = Math.max(out[last]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

/** Every code point not in `set` (which must be normalized). */
export function complement(set: CharSet): CharSet {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < set.length; i += 2) {
    if (set[i]! > next) out.push(next, set[i]! - 1);
    next = set[i + 1]! + 1;
  }
  if (next <= MAX_CODE_POINT) out.push(next, MAX_CODE_POINT);
  return out;
}

/** True when `cp` is in the (normalized) set. */
export function contains(set: CharSet, cp: number): boolean {
  let lo = 0;
  let hi = set.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < set[2 * mid]!) hi = mid - 1;
    else if (cp > set[2 * mid + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

/** `\d` */
export const DIGIT: CharSet = [0x30, 0x39];
/** `\w` without the `i` flag: ASCII letters, digits and `_` (the `\b` word characters too). */
export const WORD: CharSet = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
/** `\s`: ECMAScript's WhiteSpace and LineTerminator code points. */
export const SPACE: CharSet = union(
  [0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a],
  [0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f, 0x3000, 0x3000, 0xfeff, 0xfeff],
);
/** `.` without the `s` flag: everything but the line terminators. */
export const DOT: CharSet = complement(union([0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029]));
/** Every code point. */
export const ANY: CharSet = [0, MAX_CODE_POINT];

const propertyCache = new Map<string, CharSet>();

/**
 * The members of `\p{body}` under the `u` flag, enumerated by V8 (linear: one global
 * match of a single-class pattern over every code point in order), cached per body.
 * Throws when V8 does not know the property.
 */
export function propertySet(body: string): CharSet {
  const cached = propertyCache.get(body);
  if (cached !== undefined) return cached;
  const runs = new RegExp(`\\p{${body}}+`, "gu");
  const out: number[] = [];
  // Surrogate code points cannot stand next to each other in a string without pairing up:
  // the ranges below and above them are enumerated as strings, the 2,048 surrogates one by one.
  for (const [lo, hi] of [
    [0, 0xd7ff],
    [0xe000, MAX_CODE_POINT],
  ] as const) {
    const text = codePointsString(lo, hi);
    const starts = codePointOffsets(lo, hi);
    runs.lastIndex = 0;
    for (let m = runs.exec(text); m !== null; m = runs.exec(text)) {
      const first = startCodePoint(starts, lo, m.index);
      const last = first + [...m[0]].length - 1;
      out.push(first, last);
    }
  }
  const one = new RegExp(`^\\p{${body}}$`, "u");
  for (let cp = 0xd800; cp <= 0xdfff; cp++) if (one.test(String.fromCharCode(cp))) out.push(cp, cp);
  const set = union(out);
  propertyCache.set(body, set);
  return set;
}

/** Every code point from lo to hi, in order, as one string. */
function codePointsString(lo: number, hi: number): string {
  const parts: string[] = [];
  const chunk: number[] = [];
  for (let cp = lo; cp <= hi; cp++) {
    chunk.push(cp);
    if (chunk.length === 4096) {
      parts.push(String.fromCodePoint(...chunk));
      chunk.length = 0;
    }
  }
  if (chunk.length > 0) parts.push(String.fromCodePoint(...chunk));
  return parts.join("");
}

/** Code points below 0x10000 take one UTF-16 unit, the rest two: the string offset of `cp`. */
function codePointOffsets(lo: number, hi: number): { readonly bmpEnd: number } {
  return { bmpEnd: Math.min(hi, 0xffff) - lo + 1 };
}

/** The code point at string offset `index` of a string built by codePointsString(lo, …). */
function startCodePoint(starts: { readonly bmpEnd: number }, lo: number, index: number): number {
  if (index < starts.bmpEnd) return lo + index;
  return lo + starts.bmpEnd + (index - starts.bmpEnd) / 2;
}
