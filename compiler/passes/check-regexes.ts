/**
 * Pass: check-regexes. Every regular expression in the policy must compile (with the
 * `u` flag, as it always did) and run on the gateway's linear-time engine
 * (schemas/plan/linear-regex.ts), which is the proof that no input can make it slow:
 * the engine reads each input character once per automaton state at most, and the
 * automaton's size is bounded. What the engine refuses (look-around, back-references,
 * counted repetitions that multiply past the bound) is an error with the reason and
 * where in the pattern it starts. A top-level `|` that escapes its `^`/`$` anchors is
 * a warning. Nothing here runs a regex, so the compiler itself cannot be stalled.
 */
import type { CompileContext } from "../context.js";
import type { NormalizedPolicy } from "../ir.js";
import { anchorAlternationFix } from "../regex/anchors.js";
import { regexSites } from "../regex/regex-sites.js";
import { LinearRegex, type RegexRefusal } from "../../schemas/plan/linear-regex.js";

/** Reports invalid or unsupported regexes; returns its input unchanged. */
export function checkRegexes(policy: NormalizedPolicy, ctx: CompileContext): NormalizedPolicy {
  // One compilation per distinct source: big policies repeat the same pattern on many routes.
  const verdicts = new Map<string, RegexRefusal | null>();
  for (const site of regexSites(policy)) {
    const { source, at, what } = site;
    let verdict = verdicts.get(source);
    if (verdict === undefined) {
      const compiled = LinearRegex.compile([source]);
      verdict = compiled instanceof LinearRegex ? null : compiled;
      verdicts.set(source, verdict);
    }
    if (verdict !== null && verdict.kind === "invalid") {
      ctx.report("regex-invalid", { what, reason: verdict.reason.replace(/`/g, "'") }, at);
      continue;
    }
    if (verdict !== null) ctx.report("regex-not-linear", { what, reason: verdict.reason, where: excerpt(source, verdict.index), fix: fixFor(verdict.reason) }, at);
    const fixed = anchorAlternationFix(source);
    if (fixed !== null) ctx.report("regex-anchor-alternation", { what, source, fixed }, at);
  }
  return policy;
}

/** " at `(?=foo…`, offset 3": where in the pattern the refused construct starts. */
function excerpt(source: string, index: number): string {
  if (index === 0 && !/^\(\?[=!<]/.test(source)) return "";
  const text = source.slice(index, index + 12).replace(/`/g, "'");
  return ` at \`${text}${source.length > index + 12 ? "…" : ""}\`, offset ${index}`;
}

/** What to write instead, by the kind of refusal. */
function fixFor(reason: string): string {
  if (reason.startsWith("look-")) return "match the text itself instead of looking around it, or use a second condition (header routes can combine several)";
  if (reason.startsWith("back-reference")) return "spell the repeated part out: a finite automaton cannot remember what a group matched";
  if (reason.includes("automaton states")) return "use `*` or `+` instead of large counts, and do not nest counted repetitions (e.g. `(\\w{1,50}\\s?){1,50}` → `[\\w\\s]+`)";
  return "simplify the pattern";
}
