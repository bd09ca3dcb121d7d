/**
 * Every upstream attempt one request to a model could make, with what each may cost in
 * time and money, for the worst-case analysis and the default attempt budget.
 *
 * Per target of the attempt order (see fallbacks/attempt-order.ts): the first attempt;
 * then up to `retry.attempts` retries, each after a backoff of at most
 * max(min(backoff.max, backoff.base × 2^k), maxRetryAfter when rate limits are retried);
 * then one attempt per further API key of the provider, since a 429 moves to the next
 * key at once (no wait, each key once per request).
 *
 * With an attempt budget (`maxAttempts`) the worst case is bounded by the `maxAttempts`
 * most expensive slots: an upper bound that holds whatever the failures are, since any
 * real sequence of attempts uses distinct slots.
 */
import type { PlanReliability } from "../../schemas/plan/reliability.js";
import type { AttemptStep, NormalizedProvider } from "../ir.js";

/** One possible attempt. */
export interface AttemptSlot {
  readonly step: AttemptStep;
  /** 0 for the first attempt of the target, k for its k-th retry or key rotation. */
  readonly repeat: number;
  /** Longest wait before this attempt (backoff or retry-after), in ms. */
  readonly waitMs: number;
  /** Longest the attempt itself can run, in ms. */
  readonly runMs: number;
}

/** The longest wait before retry k (1-based) of a target. */
export function retryWaitMs(rel: PlanReliability, k: number): number {
  const backoff = Math.min(rel.backoffMaxMs, rel.backoffBaseMs * 2 ** (k - 1));
  return rel.retryOn.includes("rate_limited") ? Math.max(backoff, rel.maxRetryAfterMs) : backoff;
}

/** Every slot of a model's attempt order, in the order the runtime would use them. */
export function attemptSlots(steps: readonly AttemptStep[], providers: readonly NormalizedProvider[], rel: PlanReliability | null): AttemptSlot[] {
  const slots: AttemptSlot[] = [];
  for (const step of steps) {
    const provider = providers[step.target.provider];
    const runMs = provider?.timeouts.totalMs ?? 0;
    slots.push({ step, repeat: 0, waitMs: 0, runMs });
    const retries = rel?.retries ?? 0;
    for (let k = 1; k <= retries; k++) slots.push({ step, repeat: k, waitMs: retryWaitMs(rel!, k), runMs });
    const rotations = Math.max(0, (provider?.apiKeys.length ?? 0) - 1);
    for (let k = 1; k <= rotations; k++) slots.push({ step, repeat: retries + k, waitMs: 0, runMs });
  }
  return slots;
}

/** The `budget` largest values (all of them when the budget is not smaller), summed. */
export function sumOfLargest(values: readonly number[], budget: number): number {
  if (budget >= values.length) return values.reduce((a, b) => a + b, 0);
  return [...values]
    .sort((a, b) => b - a)
    .slice(0, budget)
    .reduce((a, b) => a + b, 0);
}
