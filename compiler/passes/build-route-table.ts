/**
 * Pass: build-route-table. Routes in matching order (explicit, then implicit), the
 * exact-name map with first-match order already applied (an earlier glob may own an
 * exact name), the explicit globs in order as anchored regex sources, and the public
 * model list for GET /v1/models (every exact name, sorted).
 */
import type { Plan, PlanRouteTable } from "../../schemas/plan/plan.js";
import type { CompileContext } from "../context.js";
import type { LoweredPlan, RoutedPlan } from "../ir.js";
import { exactTable } from "../routing/exact-table.js";
import { globToRegexSource } from "../routing/glob.js";

/** Compiles the route table and the public model list. */
export function buildRouteTable(lowered: LoweredPlan, _ctx: CompileContext): RoutedPlan {
  const { routes: policyRoutes, ...rest } = lowered;
  const routes = policyRoutes.map((r) => ({ name: r.name, model: r.model }));
  const exactMap = exactTable(policyRoutes);

  // Built on a null-prototype object so no name can reach Object.prototype.
  const exact: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const [name, route] of exactMap) exact[name] = route;

  const globs: PlanRouteTable["globs"] = [];
  policyRoutes.forEach((r, route) => {
    if (r.glob) globs.push({ pattern: r.pattern, regex: globToRegexSource(r.pattern), route });
  });

  const publicModels: Plan["publicModels"] = [...exactMap]
    .map(([id, route]) => ({ id, model: routes[route]?.model ?? -1 }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  return { ...rest, routing: { routes, exact, globs }, publicModels };
}
