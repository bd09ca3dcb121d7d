/**
 * The scorers: each writes a score in [0, 1] per candidate into `out` (ineligible
 * candidates may get anything: the picker skips them). One frozen table keyed by the
 * plan's scorer kind, so TypeScript proves every kind has an implementation.
 */
import type { PlanScorerKind } from "../../../schemas/plan/plan.js";
import type { PrefixChain } from "./prefix-blocks.js";
import type { SelectionInput, Selector } from "./selector.js";

/** What scorers read for one selection. */
export interface ScoreContext {
  readonly selector: Selector;
  readonly input: SelectionInput;
  readonly stream: boolean;
  /** Estimated prompt tokens when a scorer needs them, else -1. */
  readonly promptTokens: number;
  /** The affinity candidate (session ring, prefix index or prefix ring), or -1. */
  preferred: number;
  chain: PrefixChain | null;
  /** The candidate holding the longest known prefix, and how many blocks of it (prefix affinity). */
  hitCandidate: number;
  hitBlocks: number;
  readonly eligible: readonly boolean[];
  readonly scratch: Float64Array;
}

export type ScorerFn = (ctx: ScoreContext, out: Float64Array) => void;

/** Static weight, relative to the largest share. */
const weighted: ScorerFn = (ctx, out) => {
  const shares = ctx.selector.shares;
  let max = 0;
  for (const s of shares) if (s > max) max = s;
  for (let i = 0; i < shares.length; i++) out[i] = max > 0 ? shares[i]! / max : 1;
};

/**
 * Lowest latency: min/EWMA, on time to first byte for streams and total latency
 * otherwise. A target without samples scores 1 and measured ones at most 0.99, so a
 * new target gets tried before the measured ones are compared.
 */
const latency: ScorerFn = (ctx, out) => {
  const cands = ctx.selector.candidates;
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < cands.length; i++) {
    const s = cands[i]!.stats;
    const v = s == null || s.samples === 0 ? -1 : ctx.stream ? s.ttftMs : s.totalMs;
    out[i] = v;
    if (v >= 0 && ctx.eligible[i] && v < min) min = v;
  }
  for (let i = 0; i < cands.length; i++) {
    const v = out[i]!;
    out[i] = v < 0 ? 1 : v <= 0 || !Number.isFinite(min) ? 0.99 : 0.99 * Math.min(1, Math.max(min, 0.001) / v);
  }
};

/**
 * Cheapest that fits: a target whose context window is smaller than the prompt plus
 * the completion budget scores 0; the others min-cost / cost, from the plan prices.
 */
const cost: ScorerFn = (ctx, out) => {
  const cands = ctx.selector.candidates;
  const maxTokens = ctx.input.request.maxTokens ?? -1;
  const output = maxTokens > 0 ? maxTokens : ctx.selector.outputTokens;
  const prompt = Math.max(0, ctx.promptTokens);
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < cands.length; i++) {
    const t = cands[i]!;
    const window = t.contextWindow ?? 0;
    const fits = window === 0 || prompt + (maxTokens > 0 ? maxTokens : 0) <= window;
    const c = !fits ? -1 : t.price == null ? Number.POSITIVE_INFINITY : prompt * t.price.input + output * t.price.output;
    out[i] = c;
    if (c >= 0 && ctx.eligible[i] && c < min) min = c;
  }
  for (let i = 0; i < cands.length; i++) {
    const c = out[i]!;
    out[i] = c < 0 || !Number.isFinite(c) ? 0 : c === 0 ? 1 : min / c;
  }
};

/** Fewest in flight per unit of share: 1 / (1 + in-flight / (share × n)). */
const leastBusy: ScorerFn = (ctx, out) => {
  const cands = ctx.selector.candidates;
  const shares = ctx.selector.shares;
  const n = cands.length;
  for (let i = 0; i < n; i++) {
    const inflight = cands[i]!.stats?.inflight ?? 0;
    out[i] = 1 / (1 + inflight / Math.max(shares[i]! * n, 1e-9));
  }
};

/** Affinity: 1 for the preferred candidate; without a key (no session header), the static weights decide. */
const affinity: ScorerFn = (ctx, out) => {
  if (ctx.preferred < 0) return weighted(ctx, out);
  out.fill(0);
  out[ctx.preferred] = 1;
};

export const SCORERS = Object.freeze({
  weighted,
  latency,
  cost,
  "least-busy": leastBusy,
  "session-affinity": affinity,
  "prefix-affinity": affinity,
} satisfies Record<PlanScorerKind, ScorerFn>);
