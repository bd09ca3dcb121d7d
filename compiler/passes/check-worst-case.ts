/**
 * Pass: check-worst-case. Computes every model's worst-case attempts, latency and cost
 * (see analysis/worst-case.ts), publishes them for `tollgate check` to print, and
 * reports each model whose worst case exceeds a `limits` ceiling, listing the
 * attempts that add up to it. A cost ceiling over a target without a price cannot be
 * proven, which is an error too.
 */
import { type CompileContext, child } from "../context.js";
import type { ExpandedPolicy, Origin } from "../ir.js";
import { formatCount, formatDuration, formatUsd, plural } from "../analysis/format.js";
import { targetLabel, worstCases } from "../analysis/worst-case.js";

/** Notes listing the attempts behind a ceiling finding; more would bury the message. */
const MAX_ATTEMPT_NOTES = 8;

/** Publishes the worst-case table and reports exceeded ceilings; returns its input unchanged. */
export function checkWorstCase(policy: ExpandedPolicy, ctx: CompileContext): ExpandedPolicy {
  const table = worstCases(policy);
  ctx.publish("worstCase", table);
  table.forEach((worst, m) => {
    const model = policy.models[m];
    const steps = policy.attempts[m] ?? [];
    if (model === undefined) return;
    const at = child(model.at, "name");
    const { maxLatencyMs, maxCostUsd, assumedTokens } = model.limits;
    const notes = (detail: (i: number) => string): { at: Origin; message: string }[] =>
      steps.slice(0, MAX_ATTEMPT_NOTES).map((step, i) => ({ at: step.target.at, message: `attempt ${i + 1}: ${targetLabel(policy, step.target)}, ${detail(i)}` }));

    if (maxLatencyMs !== null && worst.latencyMs > maxLatencyMs.value) {
      ctx.report(
        "latency-ceiling",
        { model: model.name, worst: formatDuration(worst.latencyMs), attempts: plural(worst.attempts, "attempt"), limit: formatDuration(maxLatencyMs.value) },
        at,
        {
          related: [
            { at: maxLatencyMs.at, message: "the ceiling is set here" },
            ...notes((i) => `up to ${formatDuration(policy.providers[steps[i]?.target.provider ?? -1]?.timeouts.totalMs ?? 0)} (\`timeouts.total\`)`),
          ],
        },
      );
    }
    if (maxCostUsd === null) return;
    const firstUnpriced = steps.find((s) => s.target.price === null);
    if (firstUnpriced !== undefined) {
      ctx.report("cost-unknown", { model: model.name, target: targetLabel(policy, firstUnpriced.target) }, firstUnpriced.target.at, {
        related: [{ at: maxCostUsd.at, message: "the ceiling is set here" }],
      });
    } else if (worst.costUsd !== null && worst.costUsd > maxCostUsd.value) {
      const tokens = `${formatCount(assumedTokens.input)} input + ${formatCount(assumedTokens.output)} output tokens each`;
      ctx.report(
        "cost-ceiling",
        { model: model.name, worst: formatUsd(worst.costUsd), attempts: plural(worst.attempts, "attempt"), tokens, limit: formatUsd(maxCostUsd.value) },
        at,
        {
          related: [
            { at: maxCostUsd.at, message: "the ceiling is set here" },
            ...notes((i) => {
              const price = steps[i]?.target.price;
              if (price === null || price === undefined) return "no price";
              const usd = (assumedTokens.input * price.input + assumedTokens.output * price.output) / 1_000_000;
              return `up to ${formatUsd(usd)} ($${price.input} / $${price.output} per 1M tokens${price.source === "catalog" ? ", catalog" : ""})`;
            }),
          ],
        },
      );
    }
  });
  return policy;
}
