/**
 * Model-name patterns. A pattern is a glob when it contains `*` (any run of
 * characters, possibly empty) or `?` (exactly one character); every other character
 * is literal. There is no escape syntax, so `*` and `?` are always wildcards.
 *
 * All regular expressions are built by `globToRegexSource`, through `escapeRegex`:
 * one escaping helper, so no user text reaches a regex unescaped.
 */

/** True when the pattern has a wildcard. */
export function isGlob(pattern: string): boolean {
  return pattern.includes("*") || pattern.includes("?");
}

/**
 * Escapes every regex syntax character. Only syntax characters are escaped (not `-`),
 * so the source is valid with and without the `u` flag.
 */
export function escapeRegex(literal: string): string {
  return literal.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}

/**
 * The anchored regex source of a glob, e.g. `claude-3.5-*` → `^claude-3\.5-.*$`, meant to be
 * compiled without flags. `.` does not match line terminators, which no model name contains.
 */
export function globToRegexSource(pattern: string): string {
  let body = "";
  let literal = "";
  for (const ch of pattern) {
    if (ch === "*" || ch === "?") {
      body += escapeRegex(literal) + (ch === "*" ? ".*" : ".");
      literal = "";
    } else {
      literal += ch;
    }
  }
  return "^" + body + escapeRegex(literal) + "$";
}

/** True when `name` matches the pattern (a glob, or an exact name). */
export function patternMatches(pattern: string, name: string): boolean {
  if (!isGlob(pattern)) return pattern === name;
  return new RegExp(globToRegexSource(pattern)).test(name);
}

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
