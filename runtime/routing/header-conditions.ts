/**
 * Route header conditions, linked: regexes compiled once when the plan is linked,
 * never per request, for the linear-time engine (a header value cannot make them slow). A request's headers have lower-case names and one value each
 * (a repeated header keeps its last value), as the Exchange delivers them.
 */
import type { PlanHeaderCondition } from "../../schemas/plan/plan.js";
import { PlanError } from "../../schemas/plan/plan-error.js";
import { LinearRegex } from "../../schemas/plan/linear-regex.js";

/** One linked condition; `regex` is set for `kind: "regex"` only. */
export interface LinkedHeaderCondition {
  readonly header: string;
  readonly kind: PlanHeaderCondition["kind"];
  /** The exact value (kind "exact"); "" otherwise. */
  readonly value: string;
  readonly regex: LinearRegex | null;
}

/** Compiles a route's conditions; a regex that does not compile fails the link (a hand-edited plan). */
export function linkHeaderConditions(routeName: string, conditions: readonly PlanHeaderCondition[]): LinkedHeaderCondition[] {
  return conditions.map((c) => {
    if (c.kind !== "regex") return { header: c.header, kind: c.kind, value: c.kind === "exact" ? c.value : "", regex: null };
    try {
      return { header: c.header, kind: c.kind, value: "", regex: LinearRegex.of(c.value) };
    } catch (err) {
      throw new PlanError(`route ${routeName}: header ${c.header}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
}

/** True when every condition holds for these request headers. */
export function headersMatch(conditions: readonly LinkedHeaderCondition[], headers: Readonly<Record<string, string>>): boolean {
  for (const c of conditions) {
    const value = headers[c.header];
    switch (c.kind) {
      case "present":
        if (value === undefined) return false;
        break;
      case "absent":
        if (value !== undefined) return false;
        break;
      case "exact":
        if (value !== c.value) return false;
        break;
      case "regex":
        if (value === undefined || c.regex?.test(value) !== true) return false;
        break;
    }
  }
  return true;
}
