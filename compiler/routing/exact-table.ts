/**
 * First-match semantics for exact names, decided at compile time. For every exact
 * pattern (explicit exact routes and implicit model routes) this lists the routes, in
 * order, that match the name, up to and including the first one without header
 * conditions: nothing after it can be reached for that name. An earlier glob thus wins
 * over a later exact route, and a route with header conditions is a candidate that the
 * runtime checks before falling through to the next.
 *
 * When a name's list is a single unconditional route, the runtime resolves it with one
 * map lookup; names not listed try the globs in order. The table is computed once per
 * route list (memoized on the array: IR values are never mutated).
 */
import { GlobIndex } from "./glob-index.js";
import { isConditional } from "./route-extras.js";

/** The part of a route that matching looks at; a route with header conditions is conditional. */
export interface RoutePattern {
  readonly pattern: string;
  readonly glob: boolean;
  readonly headers: readonly unknown[];
  /** Conditions beyond headers (path, consumer, prompt size, classifier); a route with them is conditional too. */
  readonly extra?: unknown;
}

const memo = new WeakMap<readonly RoutePattern[], ReadonlyMap<string, readonly number[]>>();

/** Exact name → candidate route indices in first-match order; names in order of first appearance. */
export function exactTable(routes: readonly RoutePattern[]): ReadonlyMap<string, readonly number[]> {
  const cached = memo.get(routes);
  if (cached !== undefined) return cached;
  const globs = new GlobIndex(routes);
  const exactByName = new Map<string, number[]>();
  routes.forEach((route, index) => {
    if (route.glob) return;
    const same = exactByName.get(route.pattern);
    if (same === undefined) exactByName.set(route.pattern, [index]);
    else same.push(index);
  });

  const table = new Map<string, number[]>();
  for (const [name, exact] of exactByName) {
    // Both lists are in route order: merge them, stopping after the first unconditional route.
    const matchingGlobs = globs.matching(name);
    const candidates: number[] = [];
    let e = 0;
    let g = 0;
    while (e < exact.length || g < matchingGlobs.length) {
      const next = g >= matchingGlobs.length || (e < exact.length && exact[e]! < matchingGlobs[g]!) ? exact[e++]! : matchingGlobs[g++]!;
      candidates.push(next);
      if (!isConditional(routes[next]!)) break;
    }
    table.set(name, candidates);
  }
  memo.set(routes, table);
  return table;
}

/** The route a name resolves to when no header condition holds: its last candidate if unconditional. */
export function defaultRoute(candidates: readonly number[], routes: readonly RoutePattern[]): number | undefined {
  const last = candidates.at(-1);
  return last !== undefined && routes[last] !== undefined && !isConditional(routes[last]) ? last : undefined;
}
