/**
 * First-match semantics for exact names, decided at compile time. For every exact
 * pattern (explicit exact routes and implicit model routes) this finds the FIRST
 * route in order that matches the name, so an earlier glob wins over a later exact
 * route. The runtime then needs one map lookup for any exact name, and tries the
 * globs in order only for names not in the map.
 */
import { globToRegexSource } from "./glob.js";

/** The part of a route that matching looks at. */
export interface RoutePattern {
  readonly pattern: string;
  readonly glob: boolean;
}

/** Exact name → index of the first route that matches it; in order of first appearance. */
export function exactTable(routes: readonly RoutePattern[]): Map<string, number> {
  const regexes = routes.map((r) => (r.glob ? new RegExp(globToRegexSource(r.pattern)) : null));
  const matches = (i: number, name: string): boolean => {
    const regex = regexes[i];
    return regex === null || regex === undefined ? routes[i]?.pattern === name : regex.test(name);
  };
  const table = new Map<string, number>();
  routes.forEach((route, i) => {
    if (route.glob || table.has(route.pattern)) return;
    let first = i;
    for (let j = 0; j < i; j++) {
      if (matches(j, route.pattern)) {
        first = j;
        break;
      }
    }
    table.set(route.pattern, first);
  });
  return table;
}
