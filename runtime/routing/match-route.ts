/**
 * Requested model name → public model. The compiler already applied first-match
 * order to exact names, so an exact hit is final; otherwise glob routes are tried in
 * policy order.
 */
import type { LinkedModel, LinkedPlan } from "../plan/linked-plan.js";

export function matchRoute(plan: LinkedPlan, requestedModel: string): LinkedModel | null {
  const exact = plan.exactRoutes.get(requestedModel);
  if (exact !== undefined) return plan.routeModels[exact]!;
  for (const glob of plan.globRoutes) {
    if (glob.regex.test(requestedModel)) return plan.routeModels[glob.route]!;
  }
  return null;
}
