/**
 * Cycles in the model-fallback graph (model A falls back to model B, …). Each
 * elementary cycle found by a depth-first search from every model, in policy order, is
 * reported once, starting from its lowest model index, so the output is deterministic.
 */
import type { ModelFallbackHop, NormalizedModel } from "../ir.js";

/** A cycle as the list of its edges, the last one leading back to the first model. */
export type FallbackCycle = readonly ModelFallbackHop[];

/** Every distinct cycle reachable by depth-first search. */
export function findFallbackCycles(models: readonly NormalizedModel[]): FallbackCycle[] {
  const edges = models.map((m, from) => m.fallbacks.flatMap((f): ModelFallbackHop[] => (f.kind === "model" ? [{ from, to: f.model, at: f.at }] : [])));
  const state = models.map((): "new" | "open" | "done" => "new");
  const path: ModelFallbackHop[] = [];
  const found = new Map<string, FallbackCycle>();

  const visit = (m: number): void => {
    state[m] = "open";
    for (const edge of edges[m] ?? []) {
      if (state[edge.to] === "open") {
        const start = path.findIndex((e) => e.from === edge.to);
        const cycle = canonical([...(start === -1 ? [] : path.slice(start)), edge]);
        const key = cycle.map((e) => `${e.from}>${e.to}@${e.at.path.join(".")}`).join(" ");
        if (!found.has(key)) found.set(key, cycle);
      } else if (state[edge.to] === "new") {
        path.push(edge);
        visit(edge.to);
        path.pop();
      }
    }
    state[m] = "done";
  };
  models.forEach((_, m) => {
    if (state[m] === "new") visit(m);
  });
  return [...found.values()];
}

/** The cycle rotated to start at its lowest model index. */
function canonical(cycle: readonly ModelFallbackHop[]): FallbackCycle {
  let start = 0;
  cycle.forEach((e, i) => {
    if (e.from < (cycle[start]?.from ?? Infinity)) start = i;
  });
  return [...cycle.slice(start), ...cycle.slice(0, start)];
}
