/**
 * The plan form of route conditions beyond model name and headers, and the content
 * classifier table. A route with any of them is conditional, like a route with header
 * conditions: exact-name lookups fall through it when it does not hold.
 */
import type { PlanClassifiers, PlanRoute } from "../../schemas/plan/plan.js";
import type { NormalizedClassifier, NormalizedRoute } from "../ir.js";

/** Characters of the last user message a classifier scans at most. */
export const CLASSIFIER_MAX_CHARS = 32 * 1024;

/** True when a route has conditions beyond its model pattern (headers or extras). */
export function isConditional(route: { readonly headers: readonly unknown[]; readonly extra?: unknown }): boolean {
  return route.headers.length > 0 || route.extra != null;
}

/** The extra fields of a plan route (empty object when it has none). */
export function planRouteExtras(route: NormalizedRoute): Partial<PlanRoute> {
  const e = route.extra;
  if (e == null) return {};
  const out: Partial<PlanRoute> = {};
  if (e.paths !== null) out.paths = [...e.paths];
  if (e.consumers !== null) out.consumers = [...e.consumers];
  if (e.promptTokens !== null) out.promptTokens = e.promptTokens.max === null ? { min: e.promptTokens.min } : { min: e.promptTokens.min, max: e.promptTokens.max };
  if (e.classifiers !== null && e.classifiers.length > 0) out.classifiers = [...e.classifiers];
  return out;
}

/**
 * One expression for a classifier's patterns: alternatives in non-capturing groups, or
 * null. Each alternative keeps its own meaning inside the whole: its named groups get a
 * per-alternative suffix (two patterns may both name a group `fn`, which one
 * expression may not), and its numbered backreferences are shifted past the groups of
 * the alternatives before it (`\1` of the second pattern is its own first group).
 */
export function combinedPattern(patterns: readonly string[]): string | null {
  if (patterns.length === 0) return null;
  if (patterns.length === 1) return patterns[0]!;
  let offset = 0;
  return patterns
    .map((p, i) => {
      const { text, groups } = isolateAlternative(p, i + 1, offset);
      offset += groups;
      return `(?:${text})`;
    })
    .join("|");
}

/** Renames the named groups of one alternative (`name` → `name__n`) and shifts its numbered backreferences by `offset`; counts its capturing groups. */
export function isolateAlternative(source: string, n: number, offset: number): { text: string; groups: number } {
  let out = "";
  let groups = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "\\") {
      const rest = source.slice(i + 1);
      const number = inClass ? null : /^[1-9]\d*/.exec(rest);
      const named = inClass ? null : /^k<([A-Za-z_$][\w$]*)>/.exec(rest);
      if (number !== null) {
        out += `\\${Number(number[0]) + offset}`;
        i += number[0].length;
      } else if (named !== null) {
        out += `\\k<${named[1]}__${n}>`;
        i += named[0].length;
      } else {
        out += c + (source[i + 1] ?? "");
        i++;
      }
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      out += c;
      continue;
    }
    if (c === "[") inClass = true;
    else if (c === "(") {
      const named = /^\(\?<([A-Za-z_$][\w$]*)>/.exec(source.slice(i));
      if (named !== null) {
        groups++;
        out += `(?<${named[1]}__${n}>`;
        i += named[0].length - 1;
        continue;
      }
      if (source[i + 1] !== "?") groups++;
    }
    out += c;
  }
  return { text: out, groups };
}

/** The classifier table, or undefined when no route uses a classifier. */
export function classifierTable(routes: readonly NormalizedRoute[], classifiers: readonly NormalizedClassifier[]): PlanClassifiers | undefined {
  if (!routes.some((r) => (r.extra?.classifiers?.length ?? 0) > 0) || classifiers.length === 0) return undefined;
  return {
    names: classifiers.map((c) => c.name),
    keywords: classifiers.flatMap((c, classifier) => c.keywords.map((text) => ({ text, classifier, caseSensitive: c.caseSensitive, wholeWord: c.wholeWords }))),
    patterns: classifiers.map((c) => combinedPattern(c.patterns.map((p) => p.value))),
    maxChars: CLASSIFIER_MAX_CHARS,
  };
}
