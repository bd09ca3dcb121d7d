/**
 * Replays a trace against a plan, offline: each request is authenticated, routed and
 * authorized as the gateway would (compiler/decision/decide.ts); its first target is
 * drawn by weight with a seeded generator, and each attempt fails with the probability
 * the `--fail` rules give, moving on in the compiled attempt order until one succeeds
 * or every target was tried. Pure and deterministic for a given seed.
 */
import type { Plan } from "../../../schemas/plan/plan.js";
import { attemptOrder, decide, pickTarget, targetLabel } from "../../decision/decide.js";
import { type FailureRule, failureRate } from "./failure-rules.js";
import { seededRandom } from "./seeded-random.js";
import type { TraceRequest } from "./trace.js";

/** Counts for one target of one model. */
export interface TargetStats {
  readonly target: string;
  /** Requests whose first attempt went here. */
  picked: number;
  /** Requests this target answered. */
  served: number;
  attempts: number;
  failedAttempts: number;
}

/** Counts for one public model. */
export interface ModelStats {
  readonly model: string;
  requests: number;
  served: number;
  /** Served, but not by the first attempt. */
  servedAfterFallback: number;
  /** Every attempt failed. */
  failed: number;
  attempts: number;
  readonly targets: TargetStats[];
}

/** Tokens of the served requests of one consumer on one model. */
export interface TokenStats {
  readonly consumer: string;
  readonly model: string;
  requests: number;
  input: number;
  output: number;
  inputEstimated: boolean;
  outputEstimated: boolean;
  /** USD at the serving targets' prices (plan `targets[].price`), for the priced requests. */
  costUsd: number;
  /** Served by a target whose price the plan does not know: not in `costUsd`. */
  unpriced: number;
}

/** The simulation's findings. */
export interface SimulationReport {
  readonly requests: number;
  readonly served: number;
  readonly failed: number;
  /** "401 invalid_api_key" → count, in first-seen order. */
  readonly rejected: Readonly<Record<string, number>>;
  readonly models: readonly ModelStats[];
  readonly tokens: readonly TokenStats[];
}

/** Replays `requests` against `plan`. */
export function simulateTrace(plan: Plan, requests: readonly TraceRequest[], rules: readonly FailureRule[], seed: number): SimulationReport {
  const random = seededRandom(seed);
  const models = new Map<number, ModelStats>();
  const tokens = new Map<string, TokenStats>();
  const rejected: Record<string, number> = {};
  let served = 0;
  let failed = 0;

  for (const request of requests) {
    const decision = decide(plan, { model: request.model, caller: request.caller, headers: request.headers, ...(request.body !== undefined ? { body: request.body } : {}) });
    if (decision.outcome === "rejected") {
      const key = `${decision.status} ${decision.code}`;
      rejected[key] = (rejected[key] ?? 0) + 1;
      continue;
    }
    const stats = modelStats(plan, decision.model, models);
    stats.requests++;
    const target = (t: number): TargetStats => targetStats(plan, t, stats);
    const first = pickTarget(plan, decision.model, random());
    target(first).picked++;
    let answeredBy: number | null = null;
    let servedBy = first;
    const order = attemptOrder(plan, decision.model, first);
    for (const [i, t] of order.entries()) {
      stats.attempts++;
      target(t).attempts++;
      const rate = failureRate(rules, plan, t);
      // Draw only for uncertain outcomes, so adding a certain rule does not reshuffle the picks.
      const fails = rate >= 1 || (rate > 0 && random() < rate);
      if (fails) {
        target(t).failedAttempts++;
        continue;
      }
      answeredBy = i;
      servedBy = t;
      target(t).served++;
      break;
    }
    if (answeredBy === null) {
      stats.failed++;
      failed++;
      continue;
    }
    stats.served++;
    served++;
    if (answeredBy > 0) stats.servedAfterFallback++;
    const consumer = plan.consumers[decision.consumer]?.name ?? "?";
    const key = JSON.stringify([consumer, stats.model]);
    let t = tokens.get(key);
    if (t === undefined) {
      t = { consumer, model: stats.model, requests: 0, input: 0, output: 0, inputEstimated: false, outputEstimated: false, costUsd: 0, unpriced: 0 };
      tokens.set(key, t);
    }
    t.requests++;
    t.input += request.inputTokens;
    t.output += request.outputTokens;
    t.inputEstimated ||= request.inputEstimated;
    t.outputEstimated ||= request.outputEstimated;
    const price = plan.targets[servedBy]?.price;
    if (price === undefined) t.unpriced++;
    else t.costUsd += (request.inputTokens * price.input + request.outputTokens * price.output) / 1_000_000;
  }
  return {
    requests: requests.length,
    served,
    failed,
    rejected,
    models: [...models.values()],
    tokens: [...tokens.values()].sort((a, b) => (a.consumer < b.consumer ? -1 : a.consumer > b.consumer ? 1 : a.model < b.model ? -1 : a.model > b.model ? 1 : 0)),
  };
}

function modelStats(plan: Plan, model: number, all: Map<number, ModelStats>): ModelStats {
  let stats = all.get(model);
  if (stats === undefined) {
    const m = plan.models[model];
    // Every target of the attempt order, in that order, so the table reads top to bottom.
    const targets = (m?.fallbacks ?? []).map((t) => ({ target: targetLabel(plan, t), picked: 0, served: 0, attempts: 0, failedAttempts: 0 }));
    stats = { model: m?.name ?? "?", requests: 0, served: 0, servedAfterFallback: 0, failed: 0, attempts: 0, targets };
    all.set(model, stats);
  }
  return stats;
}

function targetStats(plan: Plan, target: number, stats: ModelStats): TargetStats {
  const label = targetLabel(plan, target);
  let found = stats.targets.find((t) => t.target === label);
  if (found === undefined) {
    found = { target: label, picked: 0, served: 0, attempts: 0, failedAttempts: 0 };
    stats.targets.push(found);
  }
  return found;
}
