/**
 * The worst case of one request, per public model, from the compiled attempt order:
 *
 * - attempts: every target in the order is tried once when all but the last fail;
 * - latency: each attempt may run until its provider's `timeouts.total`, so the sum
 *   of those totals bounds the whole request (retries are the fallbacks themselves);
 * - cost: each attempt may be billed in full (a provider bills tokens it generated
 *   even when the gateway gives up on the attempt), at `assumedTokens` input and
 *   output tokens and the target's price.
 *
 * These are upper bounds for the policy as written; they do not depend on traffic.
 */
import type { ExpandedPolicy, NormalizedTarget } from "../ir.js";
import type { WorstCase } from "./reports.js";

/** The worst case of every model, in policy order. */
export function worstCases(policy: ExpandedPolicy): WorstCase[] {
  return policy.models.map((model, m) => {
    const steps = policy.attempts[m] ?? [];
    const tokens = model.limits.assumedTokens;
    let latencyMs = 0;
    let costUsd = 0;
    const unpriced: string[] = [];
    for (const { target } of steps) {
      latencyMs += policy.providers[target.provider]?.timeouts.totalMs ?? 0;
      if (target.price === null) unpriced.push(targetLabel(policy, target));
      else costUsd += (tokens.input * target.price.input + tokens.output * target.price.output) / 1_000_000;
    }
    return {
      model: model.name,
      attempts: steps.length,
      latencyMs,
      costUsd: unpriced.length === 0 ? costUsd : null,
      assumedTokens: tokens,
      unpriced,
      maxLatencyMs: model.limits.maxLatencyMs?.value ?? null,
      maxCostUsd: model.limits.maxCostUsd?.value ?? null,
    };
  });
}

/** "`gpt-4o` on `openai`". */
export function targetLabel(policy: Pick<ExpandedPolicy, "providers">, target: NormalizedTarget): string {
  return `\`${target.model}\` on \`${policy.providers[target.provider]?.name ?? "?"}\``;
}
