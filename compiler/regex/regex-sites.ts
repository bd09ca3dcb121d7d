/**
 * Every regular expression in a policy, with where it is written. Analyses that check
 * regexes (safety, anchoring) iterate this list, so a new place that takes a regex
 * (guardrail patterns, say) is covered by adding one collector here.
 */
import { describePath } from "../diagnostics/describe-path.js";
import type { NormalizedPolicy, Origin } from "../ir.js";
import { child } from "../context.js";
import { combinedPattern } from "../routing/route-extras.js";

/** One regex in the policy. */
export interface RegexSite {
  readonly source: string;
  readonly at: Origin;
  /** How a diagnostic names it, e.g. "`match.headers.x-team.regex` of route `eu`". */
  readonly what: string;
}

type RegexCollector = (policy: NormalizedPolicy) => RegexSite[];

/** Header matchers of routes. */
const routeHeaderRegexes: RegexCollector = (policy) =>
  policy.routes.flatMap((route) =>
    route.headers.flatMap((h) => {
      if (h.regex === null) return [];
      const at = child(h.at, "regex");
      return [{ source: h.regex, at, what: describePath(at.doc.value, at.path) }];
    }),
  );

/**
 * Classifier patterns, each on its own and, when a classifier has several, the one
 * expression the runtime runs (alternation can make safe parts ambiguous together).
 */
const classifierRegexes: RegexCollector = (policy) =>
  (policy.classifiers ?? []).flatMap((c) => {
    const own = c.patterns.map((p) => ({ source: p.value, at: p.at, what: describePath(p.at.doc.value, p.at.path) }));
    const combined = combinedPattern(c.patterns.map((p) => p.value));
    if (c.patterns.length < 2 || combined === null) return own;
    const at = child(c.at, "patterns");
    return [...own, { source: combined, at, what: `the combined \`patterns\` of classifier \`${c.name}\`` }];
  });

/** Deny and allow patterns of guardrail sets, both directions. */
const guardrailRegexes: RegexCollector = (policy) =>
  policy.guardrails.sets.flatMap((set) =>
    (["input", "output"] as const).flatMap((direction) => {
      const checks = set.value[direction];
      const sites: RegexSite[] = [];
      checks?.denyPatterns?.forEach((d, i) => {
        const at = child(set.at, direction, "denyPatterns", i, "pattern");
        sites.push({ source: d.pattern, at, what: describePath(at.doc.value, at.path) });
      });
      checks?.allowPatterns?.forEach((source, i) => {
        const at = child(set.at, direction, "allowPatterns", i);
        sites.push({ source, at, what: describePath(at.doc.value, at.path) });
      });
      return sites;
    }),
  );

/** Every collector; add one per policy field that holds a regex. */
const COLLECTORS: readonly RegexCollector[] = [routeHeaderRegexes, guardrailRegexes, classifierRegexes];

/** Every regex of the policy, in policy order. */
export function regexSites(policy: NormalizedPolicy): RegexSite[] {
  return COLLECTORS.flatMap((collect) => collect(policy));
}
