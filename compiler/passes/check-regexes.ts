/**
 * Pass: check-regexes. Every regular expression in the policy must compile (with the
 * `u` flag, as the runtime compiles it) and be proven free of catastrophic
 * backtracking; either failure is an error with the reason and the slow part. A
 * top-level `|` that escapes its `^`/`$` anchors is a warning. This pass runs before
 * any other pass evaluates a policy regex, so the compiler itself cannot be stalled.
 */
import type { CompileContext } from "../context.js";
import type { NormalizedPolicy } from "../ir.js";
import { anchorAlternationFix } from "../regex/anchors.js";
import { type BacktrackingVerdict, POLICY_REGEX_FLAGS, analyzeBacktracking } from "../regex/backtracking.js";
import { regexSites } from "../regex/regex-sites.js";

/** Reports invalid, unsafe or misleading regexes; returns its input unchanged. */
export function checkRegexes(policy: NormalizedPolicy, ctx: CompileContext): NormalizedPolicy {
  // One analysis per distinct source: big policies repeat the same pattern on many routes.
  const verdicts = new Map<string, BacktrackingVerdict>();
  for (const site of regexSites(policy)) {
    const { source, at, what } = site;
    const syntaxError = compileError(source);
    if (syntaxError !== null) {
      ctx.report("regex-invalid", { what, reason: syntaxError }, at);
      continue;
    }
    let verdict = verdicts.get(source);
    if (verdict === undefined) {
      verdict = analyzeBacktracking(source);
      verdicts.set(source, verdict);
    }
    const hotspot = (hotspots: readonly string[]): string => {
      const distinct = [...new Set(hotspots)].slice(0, 3).map((h) => "`" + h.replace(/`/g, "'") + "`");
      if (distinct.length === 0) return "a repeated part";
      if (distinct.length > 1) return `the parts ${distinct.join(" and ")}`;
      // The same text at several places, e.g. both `\d` of `\d+\d+`.
      return hotspots.length > 1 ? `the ${hotspots.length} parts ${distinct.join("")}` : `the part ${distinct.join("")}`;
    };
    switch (verdict.kind) {
      case "exponential":
        ctx.report("regex-exponential", { what, attack: verdict.attack, hotspot: hotspot(verdict.hotspots) }, at);
        break;
      case "polynomial":
        ctx.report(
          "regex-polynomial",
          {
            what,
            degree: verdict.degree === 2 ? "quadratic" : verdict.degree === 3 ? "cubic" : `degree-${verdict.degree}`,
            attack: verdict.attack,
            power: verdict.degree,
            hotspot: hotspot(verdict.hotspots),
            extra: source.startsWith("^") ? "" : "; anchoring it with `^` or dropping a leading `.*` often suffices (matching is unanchored)",
          },
          at,
        );
        break;
      case "unprovable":
        ctx.report("regex-unprovable", { what, reason: verdict.reason }, at);
        break;
      case "safe":
        break;
    }
    const fixed = anchorAlternationFix(source);
    if (fixed !== null) ctx.report("regex-anchor-alternation", { what, source, fixed }, at);
  }
  return policy;
}

/** V8's reason when the source does not compile as the runtime compiles it, else null. */
function compileError(source: string): string | null {
  try {
    new RegExp(source, POLICY_REGEX_FLAGS);
    return null;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // "Invalid regular expression: /x(/u: Unterminated group" → "Unterminated group".
    return message.replace(/^Invalid regular expression: \/.*\/\w*: /s, "").replace(/`/g, "'");
  }
}
