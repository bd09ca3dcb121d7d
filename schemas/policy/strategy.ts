/**
 * Selection strategies: how a model picks the first target of a request among its
 * weighted targets. One named strategy, or several combined as weighted scorers.
 * The compiler turns this into the plan's `selection` program; the runtime runs
 * filter → score → pick over the compiled candidates (runtime/routing/selection/).
 */
import { z } from "zod";
import { HeaderName } from "./common.js";

/** The strategies, each also usable as one scorer of a combination. */
export const StrategyKind = z
  .enum(["weighted", "latency", "cost", "least-busy", "session-affinity", "prefix-affinity"])
  .describe(
    "`weighted`: by target weight; `latency`: lowest EWMA of time to first token and total latency; `cost`: cheapest target whose context window fits; `least-busy`: fewest requests in flight per unit of weight; `session-affinity`: same session header → same target; `prefix-affinity`: same prompt prefix → same target.",
  );

export const Scorer = z
  .strictObject({
    kind: StrategyKind,
    weight: z.number().positive().finite().optional().describe("How much this scorer counts in the sum. Default 1."),
  })
  .describe("One scorer of a combined strategy.");

export const StrategyOptions = z
  .strictObject({
    kind: StrategyKind.optional().describe("One strategy. Give `kind` or `scorers`."),
    scorers: z.array(Scorer).min(1).max(6).optional().describe("Several strategies combined: each target's score is the weighted sum of the scorers' scores in [0, 1]."),
    loadBound: z
      .number()
      .min(1)
      .max(10)
      .optional()
      .describe(
        "Bounded load: a target takes a request only while its requests in flight stay within this factor of its fair share. Default 1.25 for affinity and GPU pools, off otherwise.",
      ),
    exploration: z.number().min(0).max(0.5).optional().describe("`latency`: share of requests sent to a random target to keep measuring all of them. Default 0.05."),
    latencyHalfLife: z.number().int().min(1).max(10_000).optional().describe("`latency`: samples after which an old latency counts half in the EWMA. Default 20."),
    sessionHeader: HeaderName.optional().describe("`session-affinity`: the header carrying the session id. Default `x-session-id`."),
    blockTokens: z.number().int().min(4).max(4096).optional().describe("`prefix-affinity`: KV-cache block size in tokens (approximated as 4 characters per token). Default 64."),
    maxBlocks: z.number().int().min(1).max(256).optional().describe("`prefix-affinity`: prompt blocks hashed at most. Default 32."),
    outputTokens: z.number().int().min(1).optional().describe("`cost`: completion tokens assumed when a request sets no `max_tokens`. Default 512."),
  })
  .refine((s) => (s.kind === undefined) !== (s.scorers === undefined), "give either `kind` or `scorers`")
  .describe("A selection strategy with its options.");

/** A strategy: its name, or an object with options (or scorers). */
export const Strategy = z.union([StrategyKind, StrategyOptions]).describe("How the first target of a request is picked. Default `weighted`.");

export type StrategyKind = z.infer<typeof StrategyKind>;
export type Scorer = z.infer<typeof Scorer>;
export type StrategyOptions = z.infer<typeof StrategyOptions>;
export type Strategy = z.infer<typeof Strategy>;
