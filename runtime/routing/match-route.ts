/**
 * Requested model name (+ headers) → route. The compiler already applied first-match
 * order: an exact name's candidate list ends at its first route without header
 * conditions, so the common case is one map lookup and no header check. Other names
 * try the glob routes in policy order; a route's header conditions are checked only
 * when it has some.
 */
import type { LinkedPlan, LinkedRoute } from "../plan/linked-plan.js";
import { headersMatch } from "./header-conditions.js";

/** The first route that takes this request, or null (404). `headers` have lower-case names. */
export function matchRoute(plan: LinkedPlan, requestedModel: string, headers: Readonly<Record<string, string>>): LinkedRoute | null {
  const candidates = plan.exactRoutes.get(requestedModel);
  if (candidates !== undefined) {
    for (const route of candidates) {
      if (route.conditions === null || headersMatch(route.conditions, headers)) return route;
    }
    return null;
  }
  for (const glob of plan.globRoutes) {
    if (glob.regex.test(requestedModel) && (glob.route.conditions === null || headersMatch(glob.route.conditions, headers))) return glob.route;
  }
  return null;
}
