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
 *
 * The input is neutral (`AttemptTarget`), so the policy IR (check) and a compiled plan
 * (diff, explain) go through the same arithmetic.
 */
import type { PlanReliability } from "../../schemas/plan/reliability.js";

/** One entry of a model's attempt order, as the worst case sees it. */
export interface AttemptTarget {
  /** "`gpt-4o` on `openai`". */
  readonly label: string;
  /** The provider's `timeouts.total`, in ms. */
  readonly totalMs: number;
  /** The provider's API keys (a rate-limited key moves to the next one). */
  readonly keys: number;
  /** USD per 1M input and output tokens, or null when unknown. */
  readonly price: { readonly input: number; readonly output: number } | null;
  /** True for a weighted target: the first attempt of a request is one of these. */
  readonly first: boolean;
}

/** One possible attempt. */
export interface AttemptSlot {
  readonly target: AttemptTarget;
  /** Index of the target in the attempt order. */
  readonly entry: number;
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
export function attemptSlots(targets: readonly AttemptTarget[], rel: PlanReliability | null): AttemptSlot[] {
  const slots: AttemptSlot[] = [];
  targets.forEach((target, entry) => {
    const runMs = target.totalMs;
    slots.push({ target, entry, repeat: 0, waitMs: 0, runMs });
    const retries = rel?.retries ?? 0;
    for (let k = 1; k <= retries; k++) slots.push({ target, entry, repeat: k, waitMs: retryWaitMs(rel!, k), runMs });
    const rotations = Math.max(0, target.keys - 1);
    for (let k = 1; k <= rotations; k++) slots.push({ target, entry, repeat: retries + k, waitMs: 0, runMs });
  });
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

/**
 * The most attempts that can start before the deadline when each runs to its
 * `timeouts.total` (and waits its longest backoff): k attempts need the k - 1 before
 * the last to end in time. The first attempt is the first try of a weighted target;
 * the quickest way to k - 1 attempts takes the quickest such first attempt and then
 * the quickest other slots (an upper bound: the order after the first is relaxed).
 */
export function attemptsWithinDeadline(slots: readonly AttemptSlot[], budget: number, deadlineMs: number | null): number {
  if (deadlineMs === null || budget === 0) return budget;
  const duration = (s: AttemptSlot): number => s.runMs + s.waitMs;
  const firsts = slots.filter((s) => s.repeat === 0 && s.target.first);
  const opener = (firsts.length > 0 ? firsts : slots).reduce((a, b) => (duration(b) < duration(a) ? b : a));
  const rest = slots
    .filter((s) => s !== opener)
    .map(duration)
    .sort((a, b) => a - b);
  let k = 1;
  let elapsed = duration(opener);
  while (k < budget && elapsed < deadlineMs) {
    k++;
    elapsed += rest[k - 2] ?? Infinity;
  }
  return k;
}
