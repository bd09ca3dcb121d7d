/**
 * Worst-case ceilings per model: the gateway's `limits`, overridden field by field by
 * the model's own. Each `limits` block is converted once (durations to ms), then merged.
 */
import type { Limits } from "../../../schemas/policy/limits.js";
import { type CompileContext, child } from "../../context.js";
import { describePath } from "../../diagnostics/describe-path.js";
import type { Located, NormalizedLimits } from "../../ir.js";
import { parseDuration } from "../values/duration.js";

/** The request size assumed when `assumedTokens` is not set. */
export const DEFAULT_ASSUMED_TOKENS = { input: 4096, output: 4096 } as const;

/** One converted `limits` block; absent fields are undefined. */
export interface LimitsLayer {
  readonly maxLatencyMs?: Located<number>;
  readonly maxCostUsd?: Located<number>;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
}

/** Converts one `limits` block; a duration that does not convert is reported and left out. */
export function limitsLayer(limits: Located<Limits> | null | undefined, ctx: CompileContext): LimitsLayer {
  if (limits === null || limits === undefined) return {};
  const { value, at } = limits;
  let maxLatencyMs: Located<number> | undefined;
  if (value.maxWorstCaseLatency !== undefined) {
    const latencyAt = child(at, "maxWorstCaseLatency");
    const ms = parseDuration(value.maxWorstCaseLatency);
    if (ms.ok) maxLatencyMs = { value: ms.value, at: latencyAt };
    else ctx.report("bad-duration", { what: describePath(at.doc.value, latencyAt.path), reason: ms.reason }, latencyAt, { suggestion: ms.suggestion });
  }
  return {
    ...(maxLatencyMs !== undefined ? { maxLatencyMs } : {}),
    ...(value.maxWorstCaseCost !== undefined ? { maxCostUsd: { value: value.maxWorstCaseCost, at: child(at, "maxWorstCaseCost") } } : {}),
    ...(value.assumedTokens?.input !== undefined ? { inputTokens: value.assumedTokens.input } : {}),
    ...(value.assumedTokens?.output !== undefined ? { outputTokens: value.assumedTokens.output } : {}),
  };
}

/** A model's limits: its own fields, else the gateway's, else the defaults. */
export function mergeLimits(gateway: LimitsLayer, model: LimitsLayer): NormalizedLimits {
  return {
    maxLatencyMs: model.maxLatencyMs ?? gateway.maxLatencyMs ?? null,
    maxCostUsd: model.maxCostUsd ?? gateway.maxCostUsd ?? null,
    assumedTokens: {
      input: model.inputTokens ?? gateway.inputTokens ?? DEFAULT_ASSUMED_TOKENS.input,
      output: model.outputTokens ?? gateway.outputTokens ?? DEFAULT_ASSUMED_TOKENS.output,
    },
  };
}
