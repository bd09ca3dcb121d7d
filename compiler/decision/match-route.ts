/**
 * Route matching over a plan, offline: the same first-match rules the runtime
 * follows, but reporting which rule decided and how (exact name, a name guarded by
 * header conditions, or a glob), for explain, policy tests and simulate.
 */
import type { Plan, PlanHeaderCondition } from "../../schemas/plan/plan.js";
import { type RequestFacts, extrasHold } from "./route-extras.js";
import { globMatches } from "../../schemas/plan/glob-match.js";
import { policyRegex } from "../regex/policy-regex.js";

/** How a route was found. */
export type MatchKind = "exact" | "guarded" | "glob";

/** The route that takes a request. */
export interface RouteMatch {
  /** Index into `plan.routing.routes`. */
  readonly route: number;
  readonly kind: MatchKind;
  /** For a glob match: the index into `plan.routing.globs`. */
  readonly glob?: number;
}

/** Request headers, names lower-case. */
export type RequestHeaders = Readonly<Record<string, string>>;

/** The route a request for `model` with `headers` takes, or null (404). */
export function matchRoute(plan: Plan, model: string, headers: RequestHeaders = {}, facts: RequestFacts = {}): RouteMatch | null {
  const { routing } = plan;
  const holds = (route: number): boolean => conditionsHold(routing.routes[route]?.headers, headers) && extrasHold(plan, routing.routes[route], facts);
  const exact = Object.prototype.hasOwnProperty.call(routing.exact, model) ? routing.exact[model] : undefined;
  if (exact !== undefined) return { route: exact, kind: "exact" };
  const guarded = routing.guarded !== undefined && Object.prototype.hasOwnProperty.call(routing.guarded, model) ? routing.guarded[model] : undefined;
  if (guarded !== undefined) {
    const route = guarded.find(holds);
    return route === undefined ? null : { route, kind: "guarded" };
  }
  for (let g = 0; g < routing.globs.length; g++) {
    const glob = routing.globs[g];
    if (glob === undefined || !globMatches(glob.pattern, model)) continue;
    if (holds(glob.route)) return { route: glob.route, kind: "glob", glob: g };
  }
  return null;
}

/** True when every condition holds (no conditions: true). */
export function conditionsHold(conditions: readonly PlanHeaderCondition[] | undefined, headers: RequestHeaders): boolean {
  return (conditions ?? []).every((c) => conditionHolds(c, headers[c.header]));
}

function conditionHolds(condition: PlanHeaderCondition, value: string | undefined): boolean {
  switch (condition.kind) {
    case "present":
      return value !== undefined;
    case "absent":
      return value === undefined;
    case "exact":
      return value === condition.value;
    case "regex":
      // The runtime's linear-time engine, as the compiler checked the pattern for it.
      return value !== undefined && policyRegex(condition.value)?.test(value) === true;
  }
}

/** Header names lower-cased (HTTP header names ignore case). */
export function normalizeHeaders(headers: Readonly<Record<string, string>> | undefined): RequestHeaders {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(headers ?? {})) out[name.toLowerCase()] = value;
  return out;
}
