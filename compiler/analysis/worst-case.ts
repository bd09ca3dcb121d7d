/**
 * The worst case of one request, per public model, from the attempt order and the
 * model's reliability settings (see attempt-slots.ts):
 *
 * - attempts: every slot (first attempts, retries, key rotations) when all but the last
 *   fail, capped by `maxAttempts`, and by the deadline: with each attempt running to
 *   its `timeouts.total`, an attempt that cannot start before the deadline never runs;
 * - latency: each attempt may run until its provider's `timeouts.total`, and each retry
 *   may first wait its longest backoff (or `maxRetryAfter`); capped by `deadline`;
 * - cost: each attempt may be billed in full (a provider bills tokens it generated
 *   even when the gateway gives up on the attempt, hedged attempts included), at
 *   `assumedTokens` input and output tokens and the target's price.
 *
 * These are upper bounds for the policy as written; they do not depend on traffic.
 * `worstCases` computes them on the policy (for `check`), `planWorstCases` on a
 * compiled plan (for `diff` and `explain`); both go through `worstCaseOf`.
 */
import type { Plan } from "../../schemas/plan/plan.js";
import type { PlanReliability } from "../../schemas/plan/reliability.js";
import type { AttemptStep, ExpandedPolicy, NormalizedTarget } from "../ir.js";
import { type AttemptTarget, attemptSlots, attemptsWithinDeadline, sumOfLargest } from "./attempt-slots.js";
import type { WorstCase } from "./reports.js";
import { DEFAULT_ASSUMED_TOKENS } from "../passes/normalize/limits.js";

/** The worst case of one model. */
export function worstCaseOf(
  model: string,
  targets: readonly AttemptTarget[],
  rel: PlanReliability | null,
  limits: { readonly assumedTokens: { readonly input: number; readonly output: number }; readonly maxLatencyMs: number | null; readonly maxCostUsd: number | null },
): WorstCase {
  const slots = attemptSlots(targets, rel);
  const tokens = limits.assumedTokens;
  const budget = rel !== null && rel.maxAttempts > 0 ? Math.min(rel.maxAttempts, slots.length) : slots.length;
  const deadlineMs = rel?.deadlineMs ?? null;
  const durations = slots.map((s) => s.runMs + s.waitMs);
  const attempts = attemptsWithinDeadline(slots, budget, deadlineMs);
  const unpriced = targets.filter((t) => t.price === null).map((t) => t.label);
  const costs = slots.map(({ target }) => (target.price === null ? 0 : (tokens.input * target.price.input + tokens.output * target.price.output) / 1_000_000));
  const running = sumOfLargest(durations, attempts);
  const latencyMs = deadlineMs === null ? running : Math.min(running, deadlineMs);
  // The first attempt never waits: k attempts wait at most k - 1 times.
  const backoffMs = sumOfLargest(
    slots.map((s) => s.waitMs),
    Math.max(0, attempts - 1),
  );
  return {
    model,
    attempts,
    latencyMs,
    costUsd: unpriced.length === 0 ? sumOfLargest(costs, attempts) : null,
    assumedTokens: { input: tokens.input, output: tokens.output },
    unpriced,
    maxLatencyMs: limits.maxLatencyMs,
    maxCostUsd: limits.maxCostUsd,
    ...(rel !== null || budget !== targets.length ? { backoffMs: Math.min(backoffMs, latencyMs), deadlineMs } : {}),
    ...(attempts < budget ? { cutByDeadline: budget - attempts } : {}),
  };
}

/** The worst case of every model of the policy, in policy order. */
export function worstCases(policy: ExpandedPolicy): WorstCase[] {
  return policy.models.map((model, m) => {
    const targets = attemptTargets(policy, policy.attempts[m] ?? []);
    return worstCaseOf(model.name, targets, model.reliability, {
      assumedTokens: model.limits.assumedTokens,
      maxLatencyMs: model.limits.maxLatencyMs?.value ?? null,
      maxCostUsd: model.limits.maxCostUsd?.value ?? null,
    });
  });
}

/**
 * The worst case of every model of a compiled plan. The plan does not keep the policy's
 * `assumedTokens` and ceilings: `assumed` gives them by model name when known (a policy
 * compiled in memory), else the defaults apply and no ceiling is shown.
 */
export function planWorstCases(plan: Plan, assumed: ReadonlyMap<string, Pick<WorstCase, "assumedTokens" | "maxLatencyMs" | "maxCostUsd">> = new Map()): WorstCase[] {
  return plan.models.map((model) => {
    const targets = model.fallbacks.map((t): AttemptTarget => {
      const target = plan.targets[t];
      const upstream = plan.upstreams[target?.upstream ?? -1];
      return {
        label: `\`${target?.model ?? "?"}\` on \`${upstream?.name ?? "?"}\``,
        totalMs: upstream?.timeouts.totalMs ?? 0,
        keys: upstream?.apiKeys.length ?? 0,
        price: target?.price === undefined ? null : { input: target.price.input, output: target.price.output },
        first: model.weighted.includes(t),
      };
    });
    const given = assumed.get(model.name);
    return worstCaseOf(model.name, targets, model.reliability ?? null, {
      assumedTokens: given?.assumedTokens ?? DEFAULT_ASSUMED_TOKENS,
      maxLatencyMs: given?.maxLatencyMs ?? null,
      maxCostUsd: given?.maxCostUsd ?? null,
    });
  });
}

/** The policy's attempt steps of one model, as the worst case sees them. */
export function attemptTargets(policy: Pick<ExpandedPolicy, "providers">, steps: readonly AttemptStep[]): AttemptTarget[] {
  return steps.map(({ target, via }) => {
    const provider = policy.providers[target.provider];
    return {
      label: targetLabel(policy, target),
      totalMs: provider?.timeouts.totalMs ?? 0,
      keys: provider?.apiKeys.length ?? 0,
      price: target.price,
      first: via.length === 0 && target.weight > 0,
    };
  });
}

/** "`gpt-4o` on `openai`". */
export function targetLabel(policy: Pick<ExpandedPolicy, "providers">, target: NormalizedTarget): string {
  return `\`${target.model}\` on \`${policy.providers[target.provider]?.name ?? "?"}\``;
}
