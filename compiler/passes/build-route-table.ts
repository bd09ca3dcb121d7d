/**
 * Pass: build-route-table. Routes in matching order (explicit, then implicit) with
 * their header conditions; the exact-name map with first-match order already applied
 * (an earlier glob may own an exact name); the `guarded` map for names that routes
 * with header conditions may take first; the explicit globs in order as anchored
 * regex sources; and the public model list for GET /v1/models (every exact name,
 * sorted, with the model it serves when no header condition holds).
 */
import type { Plan, PlanRoute, PlanRouteTable } from "../../schemas/plan/plan.js";
import type { CompileContext } from "../context.js";
import type { LoweredPlan, RoutedPlan } from "../ir.js";
import { defaultRoute, exactTable } from "../routing/exact-table.js";
import { planConditions } from "../routing/plan-conditions.js";
import { classifierTable, planRouteExtras } from "../routing/route-extras.js";

/** Compiles the route table and the public model list. */
export function buildRouteTable(lowered: LoweredPlan, _ctx: CompileContext): RoutedPlan {
  const { routes: policyRoutes, features, classifiers = [], ...rest } = lowered;
  const routes = policyRoutes.map((r, i): PlanRoute => {
    const headers = planConditions(r.headers);
    // Explicit routes come first, so route i's prompt/cache/memory blocks are features.routes[i].
    const extra = features.routes[i] ?? {};
    const base: PlanRoute = headers.length === 0 ? { name: r.name, model: r.model, ...extra } : { name: r.name, model: r.model, headers, ...extra };
    return { ...base, ...planRouteExtras(r) };
  });
  const candidates = exactTable(policyRoutes);

  // Built on null-prototype objects so no name can reach Object.prototype.
  const exact: Record<string, number> = Object.create(null) as Record<string, number>;
  const guarded: Record<string, number[]> = Object.create(null) as Record<string, number[]>;
  const publicModels: Plan["publicModels"] = [];
  for (const [name, list] of candidates) {
    const unconditional = defaultRoute(list, policyRoutes);
    if (list.length === 1 && unconditional !== undefined) exact[name] = unconditional;
    else guarded[name] = [...list];
    publicModels.push({ id: name, model: routes[unconditional ?? list[0] ?? -1]?.model ?? -1 });
  }
  publicModels.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const globs: PlanRouteTable["globs"] = [];
  policyRoutes.forEach((r, route) => {
    if (r.glob) globs.push({ pattern: r.pattern, route });
  });

  const routing: PlanRouteTable = Object.keys(guarded).length === 0 ? { routes, exact, globs } : { routes, exact, guarded, globs };
  const table = classifierTable(policyRoutes, classifiers);
  if (table !== undefined) routing.classifiers = table;
  return {
    ...rest,
    routing,
    publicModels,
    ...(features.templates.length > 0 ? { templates: [...features.templates] } : {}),
  };
}
