/**
 * "Did you mean …?": the nearest known name by edit distance, and short lists of
 * the valid names when there are few. Deterministic: ties go to the earlier candidate.
 */

/** Levenshtein distance (insert, delete, substitute; each costs 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate closest to `name`, or undefined when none is close enough.
 * A case-insensitive match wins outright (`baseURL` → `baseUrl`); otherwise the
 * distance must be at most a third of the longer name (at least 1), so short
 * names do not attract unrelated suggestions.
 */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === name) continue;
    if (candidate.toLowerCase() === lower) return candidate;
    const distance = editDistance(lower, candidate.toLowerCase());
    const limit = Math.max(1, Math.floor(Math.max(name.length, candidate.length) / 3));
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** "`a`, `b` and `c`"; an empty list gives "". */
export function quoteList(names: readonly string[], conjunction = "and"): string {
  const quoted = names.map((n) => "`" + n + "`");
  if (quoted.length <= 1) return quoted.join("");
  return quoted.slice(0, -1).join(", ") + ` ${conjunction} ` + quoted[quoted.length - 1];
}

/** Lists are shown in full only up to this many names; longer ones would bury the message. */
const MAX_LISTED = 8;

/**
 * The help line for an unknown name: the nearest name when one is close, else the
 * known names when there are few, else undefined. `noun` is plural ("providers").
 */
export function suggestName(name: string, known: readonly string[], noun: string): string | undefined {
  const nearest = nearestName(name, known);
  if (nearest !== undefined) return `did you mean \`${nearest}\`?`;
  if (known.length === 0) return `no ${noun} are defined`;
  if (known.length <= MAX_LISTED) return `known ${noun}: ${quoteList(known)}`;
  return undefined;
}
