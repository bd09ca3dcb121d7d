/**
 * Every model's complete attempt order with model fallbacks flattened: its own targets
 * (see `targetOrder`), then each fallback in turn, where a fallback to another model
 * contributes that model's whole attempt order. A target already tried is skipped, so
 * each (provider, upstream model) is attempted at most once, exactly as the runtime
 * walks the plan. Requires an acyclic fallback graph (see cycles.ts).
 */
import type { AttemptStep, NormalizedModel, NormalizedTarget } from "../ir.js";
import { targetOrder } from "./target-order.js";
import { intersectOn, unionOn } from "./fallback-conditions.js";

/** What a model fallback entry contributed: used to find fallbacks that add nothing. */
export interface ModelFallbackYield {
  readonly model: number;
  /** Index of the entry in the model's `fallbacks`. */
  readonly entry: number;
  /** How many new attempts it added. */
  readonly added: number;
}

/** Attempt orders of all models, and what each model fallback entry added. */
export function attemptOrders(models: readonly NormalizedModel[]): { attempts: AttemptStep[][]; yields: ModelFallbackYield[] } {
  const memo = new Map<number, AttemptStep[]>();
  const yields: ModelFallbackYield[] = [];
  const orderOf = (m: number): AttemptStep[] => {
    const cached = memo.get(m);
    if (cached !== undefined) return cached;
    const model = models[m];
    if (model === undefined) throw new Error(`internal: no model ${m}`);
    const steps: AttemptStep[] = [];
    const seen = new Map<string, number>();
    const add = (step: AttemptStep): boolean => {
      const key = targetKey(step.target);
      const at = seen.get(key);
      if (at !== undefined) {
        // Tried once, at its first place, after any failure class either entry names.
        const first = steps[at]!;
        if (step.on !== undefined && step.on !== null) steps[at] = { ...first, on: unionOn(first.on ?? null, step.on) };
        return false;
      }
      seen.set(key, steps.length);
      steps.push(step);
      return true;
    };
    for (const target of targetOrder(model.targets)) add({ target, via: [] });
    model.fallbacks.forEach((f, entry) => {
      if (f.kind === "target") {
        add({ target: f, via: [], on: f.on ?? null });
        return;
      }
      const hop = { from: m, to: f.model, at: f.at };
      let added = 0;
      for (const step of orderOf(f.model)) if (add({ target: step.target, via: [hop, ...step.via], on: intersectOn(f.on, step.on ?? null) })) added++;
      yields.push({ model: m, entry, added });
    });
    memo.set(m, steps);
    return steps;
  };
  const attempts = models.map((_, m) => orderOf(m));
  return { attempts, yields };
}

/** Targets are the same attempt when provider and upstream model are. */
export function targetKey(t: Pick<NormalizedTarget, "provider" | "model">): string {
  return `${t.provider}\u0000${t.model}`;
}
