/**
 * Pass: check-routes. Finds explicit routes that can never match, because an earlier
 * route matches every name they match (an equal exact name, a glob that matches the
 * exact name, or a glob that covers the glob), and models whose own name is taken
 * by an earlier route to another model (unreachable when no other route leads to them).
 */
import { type CompileContext, child } from "../context.js";
import type { NormalizedPolicy, NormalizedRoute } from "../ir.js";
import { exactTable } from "../routing/exact-table.js";
import { globCovers, patternMatches } from "../routing/glob.js";

/** Reports unreachable routes and shadowed models; returns its input unchanged. */
export function checkRoutes(policy: NormalizedPolicy, ctx: CompileContext): NormalizedPolicy {
  const { routes, models } = policy;
  const unreachable = new Set<number>();

  routes.forEach((route, j) => {
    if (route.implicit) return;
    const covers = (e: NormalizedRoute): boolean =>
      route.glob ? e.glob && globCovers(e.pattern, route.pattern) : patternMatches(e.pattern, route.pattern);
    const shadow = routes.slice(0, j).find(covers);
    if (shadow === undefined) return;
    unreachable.add(j);
    ctx.report("unreachable-route", { route: route.label, earlier: shadow.label }, child(route.at, "match", "model"), {
      related: [{ at: child(shadow.at, "match", "model"), message: `${shadow.label} is here` }],
    });
  });

  const exact = exactTable(routes);
  const reached = new Set<number>();
  for (const index of exact.values()) reached.add(routes[index]?.model ?? -1);
  routes.forEach((route, i) => {
    if (route.glob && !unreachable.has(i)) reached.add(route.model);
  });
  models.forEach((model, i) => {
    const taker = routes[exact.get(model.name) ?? -1];
    if (taker === undefined || taker.model === i) return;
    const related = [{ at: child(taker.at, "match", "model"), message: `${taker.label} is here` }];
    if (!reached.has(i)) {
      ctx.report("unreachable-model", { model: model.name, route: taker.label }, child(model.at, "name"), { related });
    } else {
      const other = models[taker.model]?.name ?? "?";
      ctx.report("model-name-shadowed", { model: model.name, route: taker.label, other }, child(model.at, "name"), { related });
    }
  });
  return policy;
}
