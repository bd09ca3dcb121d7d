/**
 * Replays a trace against a plan, offline, taking the gateway's decisions at every
 * step (compiler/decision/): authentication, routing and the allow-list; quota
 * admission against counters kept over the whole trace (windows follow the requests'
 * timestamps), with downgrades and 429s; the weighted pick, drawn with a seeded
 * generator; then the attempts, where each attempt fails as the `--fail` rules say
 * and the model's retries, per-class fallbacks, budget, deadline, hedge and degraded
 * answer decide what happens next; and finally settling the quotas with what the
 * request used. Pure and deterministic for a given seed.
 *
 * Endpoint health is not carried from one request to the next (no breaker opens):
 * every request starts with every endpoint admitted.
 */
import type { Plan } from "../../../schemas/plan/plan.js";
import { type AttemptRun, runAttempts } from "../../decision/attempt-engine.js";
import { decide, keyDigestOf, pickTarget, targetLabel } from "../../decision/decide.js";
import { QuotaCounters } from "../../decision/quota-admission.js";
import { type FailureRule, failureScript } from "./failure-rules.js";
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

/** Counts for one public model (the one that served: after a quota downgrade, the cheaper one). */
export interface ModelStats {
  readonly model: string;
  requests: number;
  served: number;
  /** Served, but not by the first target picked. */
  servedAfterFallback: number;
  /** Answered with the model's degraded answer. */
  degraded: number;
  /** Every attempt failed, and no degraded answer applied; by reason (`exhausted`, `budget`, `deadline`, `not-retryable`). */
  failed: number;
  readonly failedBy: Record<string, number>;
  attempts: number;
  /** Attempts that retried the same target (after a backoff, or with another key). */
  retries: number;
  /** Hedge attempts started. */
  hedges: number;
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

/** What each quota did over the trace. */
export interface QuotaStats {
  readonly quota: string;
  /** Requests it refused with 429. */
  refused: number;
  /** Requests it sent to its downgrade model. */
  downgraded: number;
}

/** The simulation's findings. */
export interface SimulationReport {
  readonly requests: number;
  readonly served: number;
  readonly degraded: number;
  readonly failed: number;
  /** "401 invalid_api_key" → count, in first-seen order. */
  readonly rejected: Readonly<Record<string, number>>;
  readonly models: readonly ModelStats[];
  readonly tokens: readonly TokenStats[];
  /** Quotas that refused or downgraded something; absent when the plan has none. */
  readonly quotas?: readonly QuotaStats[];
}

/** How requests without a timestamp are placed in time. */
export interface SimulationClock {
  /** Start of the trace (ms since the epoch), when the first request has no timestamp. */
  readonly start: number;
  /** Requests per second for requests without a timestamp. */
  readonly rate: number;
}

/** 2025-01-01T00:00:00Z: a fixed start, so windows fall the same way on every run. */
export const DEFAULT_CLOCK: SimulationClock = { start: Date.UTC(2025, 0, 1), rate: 1 };

/** Replays `requests` against `plan`. */
export function simulateTrace(
  plan: Plan,
  requests: readonly TraceRequest[],
  rules: readonly FailureRule[],
  seed: number,
  clock: SimulationClock = DEFAULT_CLOCK,
): SimulationReport {
  const random = seededRandom(seed);
  const models = new Map<number, ModelStats>();
  const tokens = new Map<string, TokenStats>();
  const quotas = new Map<number, QuotaStats>();
  const counters = new QuotaCounters(plan);
  const rejected: Record<string, number> = {};
  const reject = (key: string): void => void (rejected[key] = (rejected[key] ?? 0) + 1);
  const quotaStats = (q: number): QuotaStats => quotas.get(q) ?? quotas.set(q, { quota: plan.quotas?.[q]?.name ?? "?", refused: 0, downgraded: 0 }).get(q)!;
  let served = 0;
  let degraded = 0;
  let failed = 0;
  let now = requests[0]?.timestamp ?? clock.start;
  for (const request of requests) {
    now = request.timestamp ?? now + 1000 / clock.rate;
    const decision = decide(plan, { model: request.model, caller: request.caller, headers: request.headers, ...(request.body !== undefined ? { body: request.body } : {}) });
    if (decision.outcome === "rejected") {
      reject(`${decision.status} ${decision.code}`);
      continue;
    }
    const admission = counters.admit(
      decision.consumer,
      decision.model,
      { inputTokens: request.inputTokens, maxOutputTokens: request.maxTokens, keyDigest: keyDigestOf(plan, request.caller, decision.consumer), headers: request.headers },
      now,
    );
    for (const hop of admission.downgrades) quotaStats(hop.quota).downgraded++;
    if (admission.kind === "refused") {
      quotaStats(admission.quota).refused++;
      reject(`${admission.status} ${admission.code} (quota \`${plan.quotas?.[admission.quota]?.name ?? "?"}\`)`);
      continue;
    }
    const model = admission.model;
    const stats = modelStats(plan, model, models);
    stats.requests++;
    const first = pickTarget(plan, model, random());
    targetStats(plan, first, stats).picked++;
    const run = runAttempts(plan, model, first, failureScript(rules, plan, random), { random, stream: request.stream });
    count(plan, run, stats);
    const result = run.result;
    const servedBy = result.kind === "served" ? result.target : null;
    const price = servedBy === null ? undefined : plan.targets[servedBy]?.price;
    const costUsd = price === undefined ? 0 : (request.inputTokens * price.input + request.outputTokens * price.output) / 1_000_000;
    const provider = servedBy === null ? null : (plan.upstreams[plan.targets[servedBy]?.upstream ?? -1]?.name ?? null);
    counters.settle(
      admission.reservations,
      { served: servedBy !== null, inputTokens: request.inputTokens, outputTokens: request.outputTokens, costUsd, provider },
      now + run.elapsedMs,
    );
    if (result.kind === "degraded") {
      stats.degraded++;
      degraded++;
      continue;
    }
    if (result.kind === "failed") {
      stats.failed++;
      stats.failedBy[result.reason] = (stats.failedBy[result.reason] ?? 0) + 1;
      failed++;
      continue;
    }
    stats.served++;
    served++;
    if (result.target !== first) stats.servedAfterFallback++;
    addTokens(tokens, plan.consumers[decision.consumer]?.name ?? "?", stats.model, request, price === undefined ? null : costUsd);
  }
  const byName = (a: { consumer: string; model: string }, b: { consumer: string; model: string }): number =>
    a.consumer < b.consumer ? -1 : a.consumer > b.consumer ? 1 : a.model < b.model ? -1 : a.model > b.model ? 1 : 0;
  return {
    requests: requests.length,
    served,
    degraded,
    failed,
    rejected,
    models: [...models.values()],
    tokens: [...tokens.values()].sort(byName),
    ...(plan.quotas === undefined ? {} : { quotas: [...quotas.values()] }),
  };
}

/** Counts the attempts of one run into the model's and targets' stats. */
function count(plan: Plan, run: AttemptRun, stats: ModelStats): void {
  for (const a of run.attempts) {
    stats.attempts++;
    if (a.role === "retry" || a.role === "another-key") stats.retries++;
    if (a.role === "hedge") stats.hedges++;
    const t = targetStats(plan, a.target, stats);
    t.attempts++;
    if (a.outcome === "answered") t.served++;
    else if (a.outcome !== "abandoned") t.failedAttempts++;
  }
}

function addTokens(all: Map<string, TokenStats>, consumer: string, model: string, request: TraceRequest, costUsd: number | null): void {
  const key = JSON.stringify([consumer, model]);
  let t = all.get(key);
  if (t === undefined) {
    t = { consumer, model, requests: 0, input: 0, output: 0, inputEstimated: false, outputEstimated: false, costUsd: 0, unpriced: 0 };
    all.set(key, t);
  }
  t.requests++;
  t.input += request.inputTokens;
  t.output += request.outputTokens;
  t.inputEstimated ||= request.inputEstimated;
  t.outputEstimated ||= request.outputEstimated;
  if (costUsd === null) t.unpriced++;
  else t.costUsd += costUsd;
}

function modelStats(plan: Plan, model: number, all: Map<number, ModelStats>): ModelStats {
  let stats = all.get(model);
  if (stats === undefined) {
    const m = plan.models[model];
    // Every target of the attempt order, in that order, so the table reads top to bottom.
    const targets = (m?.fallbacks ?? []).map((t) => ({ target: targetLabel(plan, t), picked: 0, served: 0, attempts: 0, failedAttempts: 0 }));
    stats = { model: m?.name ?? "?", requests: 0, served: 0, servedAfterFallback: 0, degraded: 0, failed: 0, failedBy: {}, attempts: 0, retries: 0, hedges: 0, targets };
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
