/**
 * Health state as the selection filter: a target whose endpoint breaker is open, or
 * whose every key is out, is not a candidate for the first pick, so weighted, GPU-pool
 * and affinity selection spread its share over the healthy targets instead of drawing
 * it and failing over. Plugged in only when the plan configures health or several keys,
 * so plain plans keep the one-draw fast path. `admits` has no side effects: a half-open
 * breaker's trial is claimed by the attempt itself, not by being considered.
 */
import type { TargetAvailability } from "../routing/selection/availability.js";
import type { Plan } from "../../schemas/plan/plan.js";
import type { HealthState } from "./linked-reliability.js";
import { targetAdmitted } from "./health-feedback.js";

export function healthAvailability(plan: Plan, health: HealthState): TargetAvailability | null {
  if (!plan.upstreams.some((u) => u.health !== undefined || u.apiKeys.length > 1)) return null;
  return { isAvailable: (target) => targetAdmitted(health, target, Date.now()) };
}
