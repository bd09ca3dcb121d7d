/**
 * Pass: build-weight-tables. Per model: the positive-weight targets in policy order
 * with their running weight sums (one random draw in [0, total) picks a target), and
 * the attempt order after a pick: every weighted target by descending weight (stable),
 * then the weight-0 standbys, then the policy fallbacks, each target at most once.
 * The runtime skips the target it picked when it walks that list.
 */
import type { PlanModel } from "../../schemas/plan/plan.js";
import type { CompileContext } from "../context.js";
import type { ModelDraft, PlanBody, RoutedPlan } from "../ir.js";
import { fallbackConditions } from "../fallbacks/fallback-conditions.js";

/** Compiles every model's pick table and attempt order. */
export function buildWeightTables(routed: RoutedPlan, _ctx: CompileContext): PlanBody {
  return { ...routed, models: routed.models.map(weightTable) };
}

/** The compiled selection table of one model. */
export function weightTable(model: ModelDraft): PlanModel {
  const weightedTargets = model.targets.filter((t) => t.weight > 0);
  const weighted = weightedTargets.map((t) => t.target);
  const cumulativeWeights: number[] = [];
  let sum = 0;
  for (const t of weightedTargets) {
    // Rounded to 12 significant digits: GPU-pool shares are fractions, and 0.3 + 0.6 should read 0.9.
    sum = Number((sum + t.weight).toPrecision(12));
    cumulativeWeights.push(sum);
  }

  // Array.prototype.sort is stable, so equal weights keep policy order.
  const byWeight = [...weightedTargets].sort((a, b) => b.weight - a.weight).map((t) => t.target);
  const standby = model.targets.filter((t) => t.weight === 0).map((t) => t.target);
  const fallbacks = [...new Set([...byWeight, ...standby, ...model.fallbacks])];

  const fallbackOn = fallbackConditions(fallbacks, model);
  return {
    name: model.name,
    weighted,
    cumulativeWeights,
    fallbacks,
    ...(fallbackOn !== null ? { fallbackOn } : {}),
    ...(model.reliability ? { reliability: model.reliability } : {}),
    ...(model.selection != null ? { selection: model.selection } : {}),
  };
}
