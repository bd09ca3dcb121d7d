/**
 * The worst case of one request, per public model, from the compiled attempt order and
 * the model's reliability settings (see attempt-slots.ts):
 *
 * - attempts: every slot (first attempts, retries, key rotations) when all but the last
 *   fail, capped by `maxAttempts`;
 * - latency: each attempt may run until its provider's `timeouts.total`, and each retry
 *   may first wait its longest backoff (or `maxRetryAfter`); capped by `deadline`;
 * - cost: each attempt may be billed in full (a provider bills tokens it generated
 *   even when the gateway gives up on the attempt, hedged attempts included), at
 *   `assumedTokens` input and output tokens and the target's price.
 *
 * These are upper bounds for the policy as written; they do not depend on traffic.
 */
import type { ExpandedPolicy, NormalizedTarget } from "../ir.js";
import { attemptSlots, sumOfLargest } from "./attempt-slots.js";
import type { WorstCase } from "./reports.js";

/** The worst case of every model, in policy order. */
export function worstCases(policy: ExpandedPolicy): WorstCase[] {
  return policy.models.map((model, m) => {
    const steps = policy.attempts[m] ?? [];
    const rel = model.reliability;
    const slots = attemptSlots(steps, policy.providers, rel);
    const budget = rel !== null && rel.maxAttempts > 0 ? Math.min(rel.maxAttempts, slots.length) : slots.length;
    const tokens = model.limits.assumedTokens;
    const unpriced: string[] = [];
    for (const { target } of steps) if (target.price === null) unpriced.push(targetLabel(policy, target));
    const costs = slots.map(({ step: { target } }) => (target.price === null ? 0 : (tokens.input * target.price.input + tokens.output * target.price.output) / 1_000_000));
    const running = sumOfLargest(
      slots.map((s) => s.runMs + s.waitMs),
      budget,
    );
    const deadlineMs = rel?.deadlineMs ?? null;
    const latencyMs = deadlineMs === null ? running : Math.min(running, deadlineMs);
    const backoffMs = sumOfLargest(
      slots.map((s) => s.waitMs),
      budget,
    );
    return {
      model: model.name,
      attempts: budget,
      latencyMs,
      costUsd: unpriced.length === 0 ? sumOfLargest(costs, budget) : null,
      assumedTokens: tokens,
      unpriced,
      maxLatencyMs: model.limits.maxLatencyMs?.value ?? null,
      maxCostUsd: model.limits.maxCostUsd?.value ?? null,
      ...(rel !== null || budget !== steps.length ? { backoffMs: Math.min(backoffMs, latencyMs), deadlineMs } : {}),
    };
  });
}

/** "`gpt-4o` on `openai`". */
export function targetLabel(policy: Pick<ExpandedPolicy, "providers">, target: NormalizedTarget): string {
  return `\`${target.model}\` on \`${policy.providers[target.provider]?.name ?? "?"}\``;
}
