/**
 * Model-name patterns. A pattern is a glob when it contains `*` (any run of
 * characters, possibly empty) or `?` (exactly one character); every other character
 * is literal. There is no escape syntax, so `*` and `?` are always wildcards.
 * Matching is the runtime's own, without backtracking (schemas/plan/glob-match.ts);
 * this file adds what only the compiler needs.
 */

export { isGlob } from "../../schemas/plan/glob-match.js";

/** True when `name` matches the pattern (a glob, or an exact name): the runtime's matcher. */
export { globMatches as patternMatches } from "../../schemas/plan/glob-match.js";

/**
 * True when every name `specific` matches is also matched by `general`.
 *
 * Decided symbolically: `specific`'s `*` can only be absorbed by a `*` of `general`,
 * its `?` by `?` or `*`, and its literals by the same literal, `?` or `*`. This is
 * sound (a true answer is always right) but not complete: `?*` does cover `*?`, and
 * we answer false. The unreachable-route warning therefore never fires wrongly.
 */
export function globCovers(general: string, specific: string): boolean {
  const g = [...general];
  const s = [...specific];
  const memo = new Map<number, boolean>();
  const match = (i: number, j: number): boolean => {
    const key = i * (s.length + 1) + j;
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    let result: boolean;
    const gc = g[i];
    const sc = s[j];
    if (gc === undefined) result = sc === undefined;
    else if (gc === "*") result = match(i + 1, j) || (sc !== undefined && match(i, j + 1));
    else if (sc === undefined) result = false;
    else if (gc === "?") result = sc !== "*" && match(i + 1, j + 1);
    else result = gc === sc && match(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return match(0, 0);
}
