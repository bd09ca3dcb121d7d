/**
 * Requested model name (+ headers) → route. The compiler already applied first-match
 * order: an exact name's candidate list ends at its first route without header
 * conditions, so the common case is one map lookup and no header check. Other names
 * try the glob routes in policy order; a route's header conditions are checked only
 * when it has some.
 */
import type { LinkedPlan, LinkedRoute } from "../plan/linked-plan.js";
import { headersMatch } from "./header-conditions.js";
import type { RouteFacts } from "./route-facts.js";

/**
 * The first route that takes this request, or null (404). `headers` have lower-case
 * names; `facts` is null unless the plan has routes with extra conditions (which then
 * never match without it).
 */
export function matchRoute(plan: LinkedPlan, requestedModel: string, headers: Readonly<Record<string, string>>, facts: RouteFacts | null = null): LinkedRoute | null {
  const candidates = plan.exactRoutes.get(requestedModel);
  if (candidates !== undefined) {
    for (const route of candidates) {
      if (holds(route, headers, facts)) return route;
    }
    return null;
  }
  for (const glob of plan.globRoutes) {
    if (glob.glob.matches(requestedModel) && holds(glob.route, headers, facts)) return glob.route;
  }
  return null;
}

function holds(route: LinkedRoute, headers: Readonly<Record<string, string>>, facts: RouteFacts | null): boolean {
  if (route.conditions !== null && !headersMatch(route.conditions, headers)) return false;
  return route.extras === null || (facts !== null && route.extras.test(facts));
}
