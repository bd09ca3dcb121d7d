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

/** One expression for a classifier's patterns: alternatives in non-capturing groups, or null. */
export function combinedPattern(patterns: readonly string[]): string | null {
  if (patterns.length === 0) return null;
  return patterns.length === 1 ? patterns[0]! : patterns.map((p) => `(?:${p})`).join("|");
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
