/**
 * Which routes can never match, and why. Route `j` is shadowed by the first earlier
 * route `i` whose model pattern matches every name `j`'s does and whose header
 * conditions hold whenever `j`'s do. A route whose own header conditions contradict
 * each other matches nothing. Overlapping globs with different header conditions are
 * both reachable.
 *
 * Computed once per route list (memoized on the array: IR values are never mutated),
 * because check-routes, the reachability analyses and the route table all need it.
 */
import type { NormalizedRoute } from "../ir.js";
import { contradiction, headersImply } from "./header-conditions.js";
import { globCovers } from "./glob.js";
import { GlobIndex } from "./glob-index.js";

/** What the compiler knows about route reachability. */
export interface RouteReach {
  /** shadowedBy[j]: the earlier route that takes every request route j would match, or -1. */
  readonly shadowedBy: readonly number[];
  /** contradictory[j]: route j's header conditions can never all hold. */
  readonly contradictory: readonly boolean[];
  /** live[j]: some request can take route j (neither shadowed nor contradictory). */
  readonly live: readonly boolean[];
}

const memo = new WeakMap<readonly NormalizedRoute[], RouteReach>();

/** The reachability of every route, explicit and implicit. */
export function routeReach(routes: readonly NormalizedRoute[]): RouteReach {
  const cached = memo.get(routes);
  if (cached !== undefined) return cached;
  const contradictory = routes.map((r) => r.headers.some((h) => contradiction(h) !== null));
  const globs = new GlobIndex(routes);
  const exactByName = new Map<string, number[]>();
  routes.forEach((route, j) => {
    if (route.glob) return;
    const same = exactByName.get(route.pattern);
    if (same === undefined) exactByName.set(route.pattern, [j]);
    else same.push(j);
  });

  const shadowedBy = routes.map((route, j) => {
    // An earlier route with extra conditions (path, consumer, prompt size, classifier) covers
    // this one only when both have exactly the same extras: sound, never a false warning.
    const coversHeaders = (i: number): boolean => i < j && !contradictory[i] && headersImply(route.headers, routes[i]?.headers ?? []) && extrasCover(routes[i]?.extra, route.extra);
    // Earlier routes whose pattern covers this one: globs that cover it (or match the exact
    // name), and, for an exact route, earlier exact routes with the same name.
    const earlier = route.glob
      ? globs.mayCover(route.pattern).filter((i) => i < j && globCovers(routes[i]?.pattern ?? "", route.pattern))
      : [...globs.matching(route.pattern), ...(exactByName.get(route.pattern) ?? [])].sort((a, b) => a - b);
    return earlier.find(coversHeaders) ?? -1;
  });
  const reach = { shadowedBy, contradictory, live: routes.map((_, j) => shadowedBy[j] === -1 && !contradictory[j]) };
  memo.set(routes, reach);
  return reach;
}

/** True when an earlier route's extra conditions hold whenever the later route's do (here: none, or identical). */
function extrasCover(earlier: NormalizedRoute["extra"], later: NormalizedRoute["extra"]): boolean {
  if (earlier == null) return true;
  return later != null && JSON.stringify(earlier) === JSON.stringify(later);
}
