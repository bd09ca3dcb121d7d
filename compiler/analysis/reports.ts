/**
 * Analysis results that are not diagnostics: facts a reader wants to see even when
 * nothing is wrong (the worst case per model). Passes publish them through
 * `ctx.publish`; `compileSources` returns them and `tollgate check` prints them.
 */

/** The worst case of one request to one public model. */
export interface WorstCase {
  readonly model: string;
  /** Upstream attempts when every attempt but the last fails and each runs to its `timeouts.total`. */
  readonly attempts: number;
  /** Σ `timeouts.total` over those attempts, in ms. */
  readonly latencyMs: number;
  /** Σ (input × input price + output × output price) over those attempts, in USD; null when a target has no price. */
  readonly costUsd: number | null;
  /** The request size the cost assumes. */
  readonly assumedTokens: { readonly input: number; readonly output: number };
  /** "`llama` on `vllm`" for each attempt without a price. */
  readonly unpriced: readonly string[];
  /** The ceilings that apply, if any. */
  readonly maxLatencyMs: number | null;
  readonly maxCostUsd: number | null;
  /**
   * Set when retries, key rotations, a budget or a deadline shape the worst case: the part
   * of `latencyMs` spent waiting between retries (backoff, retry-after), and the model's
   * `deadline` (which caps `latencyMs`), or null.
   */
  readonly backoffMs?: number;
  readonly deadlineMs?: number | null;
  /** Set when the deadline ends the worst case early: how many more attempts the budget allows but can never start. */
  readonly cutByDeadline?: number;
}

/** The traffic share of one GPU-pool endpoint, as compiled. */
export interface PoolShare {
  readonly pool: string;
  readonly endpoint: string;
  readonly gpu: string;
  readonly gpus: number;
  readonly weight: number;
  /** In [0, 1]; the shares of one pool add up to 1. */
  readonly share: number;
}

/** Every published analysis result, by name. */
export interface AnalysisReports {
  readonly worstCase?: readonly WorstCase[];
  readonly poolShares?: readonly PoolShare[];
}
