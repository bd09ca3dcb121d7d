/**
 * Link-time wiring of selection programs: which targets need live stats (those of a
 * model with a program; a target shared by several models gets one instance), and a
 * Selector per model over its enabled weighted targets.
 */
import type { Plan, PlanModel } from "../../../schemas/plan/plan.js";
import type { LinkedModel } from "../../plan/linked-plan.js";
import type { AvailabilityRef } from "./availability.js";
import { Selector } from "./selector.js";
import { TargetStats } from "./target-stats.js";

/** stats[t] for every plan target a selection program reads (its model's targets and fallbacks). */
export function statsFor(plan: Plan): (TargetStats | undefined)[] {
  const stats: (TargetStats | undefined)[] = new Array(plan.targets.length);
  for (const m of plan.models) {
    if (m.selection === undefined) continue;
    for (const t of [...m.weighted, ...m.fallbacks]) stats[t] ??= new TargetStats(m.selection.ewmaAlpha);
  }
  return stats;
}

/** The models with their selectors (null for plain weighted models). */
export function linkSelectors(planModels: readonly PlanModel[], models: LinkedModel[], availability: AvailabilityRef): LinkedModel[] {
  return models.map((m, i) => {
    const program = planModels[i]?.selection;
    if (program === undefined || m.weighted.length === 0) return m;
    return { ...m, selector: new Selector(m.weighted, m.cumulativeWeights, program, availability) };
  });
}
