/**
 * What a plan reload keeps from the plan it replaces. A GitOps pipeline may reload
 * every few minutes; without this each reload would forget what the gateway learnt:
 * an ejected endpoint would take traffic again at once, a revoked key would be tried
 * again, the latency and least-busy scorers would start blind and prefix affinity would
 * scatter conversations away from the KV caches that hold them.
 *
 * State moves only between things that are the same on both sides: an upstream with
 * the same name, origin and base path (its circuit breaker); an API key of such an
 * upstream with the same secret reference (its rest or ejection); a target of such an
 * upstream with the same upstream model (its load and latency averages); a model whose
 * selector chooses among the same targets in the same order (its prefix index).
 * Everything else starts fresh, as a new thing should.
 */
import type { Plan } from "../../schemas/plan/plan.js";
import type { HealthState } from "../reliability/linked-reliability.js";
import type { TargetStats } from "../routing/selection/target-stats.js";
import type { LinkedModel, LinkedPlan, LinkedTarget, LinkedUpstream } from "./linked-plan.js";

function upstreamKey(u: Pick<LinkedUpstream, "name" | "origin" | "basePath">): string {
  return `${u.name}\u0000${u.origin}${u.basePath}`;
}

function targetKey(t: LinkedTarget): string {
  return `${upstreamKey(t.upstream)}\u0000${t.model}`;
}

/** Breakers and key states of the upstreams the new plan shares with the previous one. */
export function carryHealth(previous: LinkedPlan, plan: Plan, health: HealthState): void {
  const before = previous.plan;
  const slots = new Map<string, number>();
  before.upstreams.forEach((u, slot) => slots.set(upstreamKey(u), slot));
  plan.upstreams.forEach((u, slot) => {
    const old = slots.get(upstreamKey(u));
    if (old === undefined) return;
    if (health.breakers.tracked(slot) && previous.health.breakers.tracked(old)) health.breakers.adopt(slot, previous.health.breakers, old);
    const oldKeys = before.upstreams[old]!.apiKeys;
    const oldRange = previous.health.keyRanges[old]!;
    const range = health.keyRanges[slot]!;
    u.apiKeys.forEach((ref, i) => {
      const j = oldKeys.indexOf(ref);
      if (j >= 0 && j < oldRange.count) health.keys.adopt(range.first + i, previous.health.keys, oldRange.first + j);
    });
  });
}

/**
 * Load and latency stats for the new plan's targets: the previous instance itself when
 * the EWMA weight is unchanged (requests still in flight under the old plan keep
 * counting as load on the endpoint), else its averages.
 */
export function carryStats(previous: LinkedPlan, targets: LinkedTarget[]): void {
  const old = new Map<string, TargetStats>();
  for (const m of previous.models) for (const t of [...m.weighted, ...m.fallbacks]) if (t.stats != null) old.set(targetKey(t), t.stats);
  targets.forEach((t, i) => {
    const stats = t.stats;
    const before = stats == null ? undefined : old.get(targetKey(t));
    if (before === undefined || stats == null) return;
    if (before.alpha === stats.alpha) targets[i] = { ...t, stats: before };
    else stats.adopt(before);
  });
}

/** Prefix-affinity indexes of models whose candidates did not change. */
export function carrySelectors(previous: LinkedPlan, models: readonly LinkedModel[]): void {
  const byName = new Map(previous.models.map((m) => [m.name, m]));
  for (const m of models) {
    const before = byName.get(m.name);
    const selector = m.selector;
    const old = before?.selector;
    if (selector == null || old == null) continue;
    const a = selector.candidates;
    const b = old.candidates;
    selector.inheritPrefixIndex(old, a.length === b.length && a.every((t, i) => targetKey(t) === targetKey(b[i]!)));
  }
}
