/**
 * The plan's route table → live lookup structures, built once per plan: one map from
 * requested name to its candidate routes (for almost every name, a single route
 * without conditions), and the glob routes in order, matched without backtracking.
 */
import type { PlanRouteTable } from "../../schemas/plan/plan.js";
import type { LinkedModel, LinkedRoute, LinkedRouteTable } from "../plan/linked-plan.js";
import { linkHeaderConditions } from "./header-conditions.js";
import { Glob } from "../../schemas/plan/glob-match.js";
import { LinkedClassifiers } from "./content/linked-classifiers.js";
import { LinkedRouteExtras } from "./route-extras.js";

/** Route fields beyond model and headers; a route with any of them gets LinkedRouteExtras. */
const EXTRA_FIELDS = ["paths", "consumers", "promptTokens", "classifiers"] as const;

/** Links the route table against the linked models. */
export function linkRouteTable(routing: PlanRouteTable, models: readonly LinkedModel[], consumerCount = 0): LinkedRouteTable {
  const routes = routing.routes.map((r, index): LinkedRoute => ({
    index,
    name: r.name,
    model: models[r.model]!,
    conditions: r.headers === undefined ? null : linkHeaderConditions(r.name, r.headers),
    extras: EXTRA_FIELDS.some((f) => r[f] !== undefined) ? new LinkedRouteExtras(r, consumerCount) : null,
  }));
  const withExtras = routes.filter((r) => r.extras !== null);
  const routeFacts =
    withExtras.length === 0
      ? null
      : {
          tokenCap: Math.max(0, ...withExtras.map((r) => r.extras!.tokenBound)),
          classifiers: routing.classifiers === undefined ? null : new LinkedClassifiers(routing.classifiers),
        };
  // `exact` and `guarded` never share a name; both become one map, so any exact name costs one lookup.
  const exactRoutes = new Map<string, readonly LinkedRoute[]>();
  for (const [name, route] of Object.entries(routing.exact)) exactRoutes.set(name, [routes[route]!]);
  for (const [name, candidates] of Object.entries(routing.guarded ?? {}))
    exactRoutes.set(
      name,
      candidates.map((i) => routes[i]!),
    );
  const globRoutes = routing.globs.map((g) => ({ glob: new Glob(g.pattern), route: routes[g.route]! }));
  return { routes, exactRoutes, globRoutes, routeFacts };
}
