/**
 * Reasoning about route header conditions at compile time: whether one route's
 * conditions imply another's (so the earlier route takes every request the later one
 * would), and whether a condition can ever hold.
 *
 * Like `globCovers`, implication is sound but not complete: a true answer is always
 * right, so an "unreachable route" warning never fires wrongly. Regexes are only ever
 * run on values written in the policy, after check-regexes proved them safe.
 */
import { policyRegex } from "../regex/policy-regex.js";
import type { NormalizedHeaderMatch } from "../ir.js";

/** The part of a header condition that matching looks at. */
export type HeaderCondition = Pick<NormalizedHeaderMatch, "header" | "exact" | "regex" | "present">;

/** True when the header must be sent for the condition to hold. */
export function requiresPresence(c: HeaderCondition): boolean {
  return c.present === true || c.exact !== null || c.regex !== null;
}

/** Why the condition can never hold, or null when it can. */
export function contradiction(c: HeaderCondition): string | null {
  if (c.present === false && (c.exact !== null || c.regex !== null)) {
    return `must be absent (\`present: false\`) and also have a value (\`${c.exact !== null ? "exact" : "regex"}\`)`;
  }
  if (c.exact !== null && c.regex !== null && regexMatches(c.regex, c.exact) === false) {
    return "must equal its `exact` value, which its `regex` does not match";
  }
  return null;
}

/**
 * True when every request that satisfies all of `specific` also satisfies all of
 * `general`: then a route with `general` conditions, placed first, takes every request
 * a route with `specific` conditions (and a covered model pattern) would match.
 */
export function headersImply(specific: readonly HeaderCondition[], general: readonly HeaderCondition[]): boolean {
  return general.every((g) => {
    const s = specific.find((c) => c.header === g.header);
    if (g.present === false) return s?.present === false;
    if (!requiresPresence(g)) return true;
    if (s === undefined || !requiresPresence(s)) return false;
    if (g.exact !== null && s.exact !== g.exact) return false;
    if (g.regex !== null && s.regex !== g.regex && !(s.exact !== null && regexMatches(g.regex, s.exact) === true)) return false;
    return true;
  });
}

/** Whether `source` matches `value` (the runtime's engine); undefined when the source is refused. */
export function regexMatches(source: string, value: string): boolean | undefined {
  return policyRegex(source)?.test(value);
}
