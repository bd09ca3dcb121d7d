/**
 * Link-time construction of the reliability state: each upstream's breaker slot and key
 * slots, the breaker table and key ring of the plan, and each model's fallback masks.
 */
import type { Plan, PlanModel, PlanUpstream } from "../../schemas/plan/plan.js";
import { BreakerTable } from "./circuit-breaker.js";
import { classMask } from "./error-mask.js";
import { KeyRing } from "./key-ring.js";
import type { HealthState, UpstreamReliability } from "./linked-reliability.js";

/** Cool-downs of key ejection when the upstream has no `health` block. */
const DEFAULT_KEY_COOLDOWN_MS = 300_000;
const DEFAULT_MAX_COOLDOWN_MS = 300_000;

/** The plan's health state and each upstream's slots. */
export function linkHealth(plan: Plan): { health: HealthState; upstreams: UpstreamReliability[] } {
  const weights: number[] = [];
  const upstreams = plan.upstreams.map((u, slot): UpstreamReliability => {
    const first = weights.length;
    u.apiKeys.forEach((_, i) => weights.push(u.keyWeights?.[i] ?? 1));
    return {
      slot,
      keys: { first, count: u.apiKeys.length },
      keyCooldownMs: u.health?.keyCooldownMs ?? DEFAULT_KEY_COOLDOWN_MS,
      maxCooldownMs: u.health?.maxCooldownMs ?? DEFAULT_MAX_COOLDOWN_MS,
      firstTokenMs: u.timeouts.firstTokenMs ?? 0,
    };
  });
  const breakers = new BreakerTable(plan.upstreams.map(breakerSettings));
  return { health: { breakers, keys: new KeyRing(weights), keyRanges: upstreams.map((u) => u.keys) }, upstreams };
}

function breakerSettings(u: PlanUpstream): ConstructorParameters<typeof BreakerTable>[0][number] {
  const h = u.health;
  if (h === undefined) return null;
  return { consecutiveFailures: h.consecutiveFailures, errorRate: h.errorRate, cooldownMs: h.cooldownMs, maxCooldownMs: h.maxCooldownMs };
}

/** Masks of the model's enabled attempt-order entries, or null when the plan gives none. */
export function fallbackMasks(m: PlanModel, enabled: (target: number) => boolean): Int32Array | null {
  const on = m.fallbackOn;
  if (on === undefined) return null;
  const masks: number[] = [];
  m.fallbacks.forEach((t, i) => {
    if (enabled(t)) masks.push(classMask(on[i] ?? []));
  });
  return Int32Array.from(masks);
}
