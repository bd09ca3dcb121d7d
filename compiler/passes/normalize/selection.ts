/**
 * A model's `strategy` → the plan's selection program. A named strategy is one
 * scorer; `scorers` combine. The picker follows from the scorers: a program that
 * includes `weighted` draws proportionally to the summed score (so the configured
 * shares hold when the other scores are equal); any other picks the best score.
 * Models with a pool target get bounded-load weighting by default, so a slow
 * endpoint is not flooded. Options that no scorer reads are reported, not dropped silently.
 */
import type { PlanScorerKind, PlanSelection } from "../../../schemas/plan/plan.js";
import type { Strategy, StrategyOptions } from "../../../schemas/policy/strategy.js";
import { type CompileContext, child } from "../../context.js";
import type { Origin } from "../../ir.js";

/** Defaults of the strategy options. */
export const STRATEGY_DEFAULTS = {
  loadBound: 1.25,
  exploration: 0.05,
  latencyHalfLife: 20,
  sessionHeader: "x-session-id",
  blockTokens: 64,
  maxBlocks: 32,
  outputTokens: 512,
  /** The block approximation: characters per token. */
  charsPerToken: 4,
} as const;

/** Which scorer reads each option (for "has no effect" warnings). */
const OPTION_READERS: Readonly<Record<string, readonly PlanScorerKind[]>> = {
  exploration: ["latency"],
  latencyHalfLife: ["latency"],
  sessionHeader: ["session-affinity"],
  blockTokens: ["prefix-affinity"],
  maxBlocks: ["prefix-affinity"],
  outputTokens: ["cost"],
};

/** The compiled program, or null for a plain weighted draw without load bound. */
export function normalizeSelection(strategy: Strategy | undefined, model: string, at: Origin, poolLoadBound: number | null, ctx: CompileContext): PlanSelection | null {
  if (strategy === undefined) return poolLoadBound === null ? null : program([{ kind: "weighted", weight: 1 }], {}, poolLoadBound);
  const options: StrategyOptions = typeof strategy === "string" ? { kind: strategy } : strategy;
  const scorers = options.scorers?.map((s) => ({ kind: s.kind, weight: s.weight ?? 1 })) ?? [{ kind: options.kind ?? "weighted", weight: 1 }];
  const kinds = new Set(scorers.map((s) => s.kind));
  for (const [option, readers] of Object.entries(OPTION_READERS)) {
    if (options[option as keyof StrategyOptions] === undefined || readers.some((k) => kinds.has(k))) continue;
    ctx.report("strategy-option-ignored", { option, model, reason: `no \`${readers.join("` or `")}\` scorer reads it` }, child(at, "strategy", option), { part: "key" });
  }
  if (kinds.size === 1 && kinds.has("weighted") && options.loadBound === undefined && poolLoadBound === null) return null;
  const affinity = kinds.has("session-affinity") || kinds.has("prefix-affinity");
  const loadBound = options.loadBound ?? poolLoadBound ?? (affinity ? STRATEGY_DEFAULTS.loadBound : 0);
  return program(scorers, options, loadBound);
}

function program(scorers: PlanSelection["scorers"], o: StrategyOptions, loadBound: number): PlanSelection {
  // Merge repeated kinds: their weights add up.
  const merged = new Map<PlanScorerKind, number>();
  for (const s of scorers) merged.set(s.kind, (merged.get(s.kind) ?? 0) + s.weight);
  const list = [...merged].map(([kind, weight]) => ({ kind, weight }));
  const halfLife = o.latencyHalfLife ?? STRATEGY_DEFAULTS.latencyHalfLife;
  return {
    scorers: list,
    picker: merged.has("weighted") ? "weighted-random" : "max-score",
    loadBound,
    exploration: merged.has("latency") ? (o.exploration ?? STRATEGY_DEFAULTS.exploration) : 0,
    ewmaAlpha: Number((1 - Math.pow(2, -1 / halfLife)).toPrecision(12)),
    sessionHeader: (o.sessionHeader ?? STRATEGY_DEFAULTS.sessionHeader).toLowerCase(),
    blockChars: (o.blockTokens ?? STRATEGY_DEFAULTS.blockTokens) * STRATEGY_DEFAULTS.charsPerToken,
    maxBlocks: o.maxBlocks ?? STRATEGY_DEFAULTS.maxBlocks,
    outputTokens: o.outputTokens ?? STRATEGY_DEFAULTS.outputTokens,
  };
}
