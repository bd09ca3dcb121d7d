/**
 * Model-name globs matched without backtracking: `*` is any run of characters
 * (possibly empty), `?` exactly one (a UTF-16 unit), anything else itself. The pattern
 * splits at its stars into segments; the first must match at the start, the last at
 * the end, and each one between at its leftmost place after the previous one. Taking
 * the leftmost place is never wrong (a star absorbs whatever lies between), so no
 * choice is ever revisited: matching reads the name at most once per pattern
 * character, O(name × pattern) in the worst case and linear in the name.
 *
 * Wildcards do not match line terminators (as the `.` of the regexes globs used to be
 * compiled to), and patterns cannot contain one, so a name with a line terminator
 * matches no glob. Shared by the compiler (route analyses, `explain`) and the runtime.
 */

/** True when the pattern has a wildcard. */
export function isGlob(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?");
}

/** A glob split at its stars, ready to match many names. */
export class Glob {
  readonly pattern: string;
  /** The text between stars; a single segment when the pattern has no star. */
  readonly #segments: readonly string[];
  /** The shortest name that can match: every character but the stars. */
  readonly #minLength: number;

  constructor(pattern: string) {
    this.pattern = pattern;
    this.#segments = pattern.split("*");
    this.#minLength = pattern.length - (this.#segments.length - 1);
  }

  /** True when `name` matches the whole pattern. */
  matches(name: string): boolean {
    const segments = this.#segments;
    if (name.length < this.#minLength || LINE_TERMINATOR.test(name)) return false;
    const first = segments[0]!;
    if (segments.length === 1) return name.length === first.length && segmentAt(first, name, 0);
    const last = segments[segments.length - 1]!;
    const tail = name.length - last.length;
    if (!segmentAt(first, name, 0) || !segmentAt(last, name, tail)) return false;
    let at = first.length;
    for (let s = 1; s < segments.length - 1; s++) {
      const segment = segments[s]!;
      const found = findSegment(segment, name, at, tail);
      if (found === -1) return false;
      at = found + segment.length;
    }
    return at <= tail;
  }
}

/** Line terminators, which no wildcard matches. */
const LINE_TERMINATOR = /[\n\r\u2028\u2029]/;

/** True when `name` matches a glob (or, without wildcards, equals it). */
export function globMatches(pattern: string, name: string): boolean {
  if (!isGlob(pattern)) return pattern === name;
  return new Glob(pattern).matches(name);
}

/** True when `segment` (literals and `?`) matches `name` at `at`. */
function segmentAt(segment: string, name: string, at: number): boolean {
  if (at < 0 || at + segment.length > name.length) return false;
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    if (c !== 0x3f && c !== name.charCodeAt(at + i)) return false;
  }
  return true;
}

/** The leftmost place at or after `from` where `segment` matches, ending by `limit`; -1 when none. */
function findSegment(segment: string, name: string, from: number, limit: number): number {
  if (!segment.includes("?")) {
    const found = name.indexOf(segment, from);
    return found !== -1 && found + segment.length <= limit ? found : -1;
  }
  for (let at = from; at + segment.length <= limit; at++) if (segmentAt(segment, name, at)) return at;
  return -1;
}
