/**
 * Pass: check-fallbacks. Models may fall back to other models; this pass proves the
 * fallback graph acyclic (a cycle is an error that shows every edge with its
 * position), flattens model fallbacks into each model's attempt order, and warns
 * about a fallback to a model whose targets are all tried before it. Its output adds
 * the attempt orders, which lowering and the worst-case and compliance analyses use.
 */
import type { CompileContext } from "../context.js";
import type { ExpandedPolicy, NormalizedPolicy } from "../ir.js";
import { attemptOrders } from "../fallbacks/attempt-order.js";
import { findFallbackCycles } from "../fallbacks/cycles.js";

/** Reports cycles and useless model fallbacks; adds every model's attempt order. */
export function checkFallbacks(policy: NormalizedPolicy, ctx: CompileContext): ExpandedPolicy {
  const name = (m: number): string => policy.models[m]?.name ?? "?";
  const cycles = findFallbackCycles(policy.models);
  for (const cycle of cycles) {
    const [first] = cycle;
    if (first === undefined) continue;
    const route = [name(first.from), ...cycle.map((e) => name(e.to))].map((n) => `\`${n}\``).join(" → ");
    ctx.report("fallback-cycle", { model: name(first.from), cycle: route }, first.at, {
      related: cycle.slice(1).map((e) => ({ at: e.at, message: `model \`${name(e.from)}\` falls back to \`${name(e.to)}\` here` })),
    });
  }
  // The pipeline stops after this pass when there was a cycle; the orders are then never used.
  if (cycles.length > 0) return { ...policy, attempts: policy.models.map(() => []) };

  const { attempts, yields } = attemptOrders(policy.models);
  for (const y of yields) {
    if (y.added > 0) continue;
    const model = policy.models[y.model];
    const entry = model?.fallbacks[y.entry];
    if (model === undefined || entry === undefined || entry.kind !== "model") continue;
    ctx.report("fallback-adds-nothing", { model: model.name, target: name(entry.model) }, entry.at);
  }
  return { ...policy, attempts };
}
