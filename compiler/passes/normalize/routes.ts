/**
 * Routes in matching order: the explicit routes, then one implicit exact route per
 * model. A route without a model pattern matches any name (`*`); header names are
 * lower-cased, because HTTP header names ignore case.
 */
import type { Route } from "../../../schemas/policy/route.js";
import { child } from "../../context.js";
import type { Located, NormalizedHeaderMatch, NormalizedModel, NormalizedRoute } from "../../ir.js";
import { isGlob } from "../../routing/glob.js";
import { IMPLICIT_ROUTE_PREFIX } from "../resolve-refs.js";
import { resolvedIndex } from "./lookup.js";

/** The pattern of a route that only matches on headers. */
const ANY_MODEL = "*";

/** Explicit routes in policy order, then the implicit route of every model. */
export function normalizeRoutes(routes: readonly Located<Route>[], models: readonly NormalizedModel[], modelIndex: ReadonlyMap<string, number>): NormalizedRoute[] {
  const explicit = routes.map(({ value: route, at }): NormalizedRoute => {
    const pattern = route.match.model ?? ANY_MODEL;
    const headers = Object.entries(route.match.headers ?? {}).map(([name, m]): NormalizedHeaderMatch => ({
      header: name.toLowerCase(),
      exact: m.exact ?? null,
      regex: m.regex ?? null,
      present: m.present ?? null,
      at: child(at, "match", "headers", name),
    }));
    return {
      name: route.name ?? `match:${pattern}`,
      label: routeLabel(route, headers),
      pattern,
      glob: isGlob(pattern),
      headers,
      model: resolvedIndex(modelIndex, route.model),
      implicit: false,
      at,
    };
  });
  const implicit = models.map((model, i): NormalizedRoute => ({
    name: IMPLICIT_ROUTE_PREFIX + model.name,
    label: `the implicit route of model \`${model.name}\``,
    pattern: model.name,
    glob: false,
    headers: [],
    model: i,
    implicit: true,
    at: child(model.at, "name"),
  }));
  return [...explicit, ...implicit];
}

/** "route `fast`", "route for `gpt-*`", "route for `gpt-*` with header `x-team`". */
function routeLabel(route: Route, headers: readonly NormalizedHeaderMatch[]): string {
  if (route.name !== undefined) return `route \`${route.name}\``;
  const names = headers.map((h) => `\`${h.header}\``).join(", ");
  const on = headers.length === 1 ? `header ${names}` : `headers ${names}`;
  if (route.match.model === undefined) return `the route on ${on}`;
  return headers.length === 0 ? `route for \`${route.match.model}\`` : `route for \`${route.match.model}\` with ${on}`;
}
