/**
 * A route's header matches → the plan's condition list: one condition per test, sorted
 * by header name (so the plan does not depend on key order in the policy). `present:
 * true` is dropped when `exact` or `regex` already require the header.
 */
import type { PlanHeaderCondition } from "../../schemas/plan/plan.js";
import type { NormalizedHeaderMatch } from "../ir.js";

/** The plan conditions of a route; empty when it has none. */
export function planConditions(headers: readonly NormalizedHeaderMatch[]): PlanHeaderCondition[] {
  const sorted = [...headers].sort((a, b) => (a.header < b.header ? -1 : a.header > b.header ? 1 : 0));
  return sorted.flatMap((h): PlanHeaderCondition[] => {
    const out: PlanHeaderCondition[] = [];
    if (h.present === false) out.push({ header: h.header, kind: "absent" });
    if (h.exact !== null) out.push({ header: h.header, kind: "exact", value: h.exact });
    if (h.regex !== null) out.push({ header: h.header, kind: "regex", value: h.regex });
    if (h.present === true && out.length === 0) out.push({ header: h.header, kind: "present" });
    return out;
  });
}
