/**
 * Pass: check-routes. Finds explicit routes that can never match: an earlier route
 * matches every request they match (its model pattern covers theirs, and its header
 * conditions, if any, hold whenever theirs do), or their own header conditions
 * contradict each other. Also finds models whose own name is taken by an earlier
 * route to another model (unreachable when no other route leads to them).
 */
import { type CompileContext, child } from "../context.js";
import type { NormalizedPolicy } from "../ir.js";
import { defaultRoute, exactTable } from "../routing/exact-table.js";
import { contradiction } from "../routing/header-conditions.js";
import { routeReach } from "../routing/shadowing.js";

/** Reports unreachable routes and shadowed models; returns its input unchanged. */
export function checkRoutes(policy: NormalizedPolicy, ctx: CompileContext): NormalizedPolicy {
  const { routes, models } = policy;
  const reach = routeReach(routes);

  routes.forEach((route, j) => {
    if (route.implicit) return;
    const shadow = routes[reach.shadowedBy[j] ?? -1];
    if (shadow !== undefined) {
      const code = shadow.headers.length === 0 ? "unreachable-route" : "unreachable-header-route";
      ctx.report(code, { route: route.label, earlier: shadow.label }, child(route.at, "match", "model"), {
        related: [{ at: child(shadow.at, "match", "model"), message: `${shadow.label} is here` }],
      });
    }
    for (const header of route.headers) {
      const reason = contradiction(header);
      if (reason !== null) ctx.report("header-never-matches", { route: route.label, header: header.header, reason }, header.at, { part: "key" });
    }
  });

  const exact = exactTable(routes);
  const reached = new Set<number>();
  routes.forEach((route, i) => {
    if (reach.live[i]) reached.add(route.model);
  });
  models.forEach((model, i) => {
    const taker = routes[defaultRoute(exact.get(model.name) ?? [], routes) ?? -1];
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
