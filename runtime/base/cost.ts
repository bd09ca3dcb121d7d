/**
 * What a request cost in USD at a target's price: tokens (cached reads at their own
 * price), and for audio models minutes of audio transcribed and characters spoken.
 * The one formula that quotas, the ledger and the stats use, so spend adds up the same
 * everywhere.
 */
import type { PlanTarget } from "../../schemas/plan/plan.js";

/** A target's price (USD per 1M tokens, per minute of audio, per 1M characters). */
export type Price = NonNullable<PlanTarget["price"]>;

/** The usage figures a cost is computed from. */
export interface Billable {
  readonly inputTokens: number;
  /** The part of `inputTokens` read from the provider's prompt cache. */
  readonly cachedInputTokens: number;
  readonly outputTokens: number;
  readonly audioSeconds?: number | undefined;
  readonly characters?: number | undefined;
}

export function costUsd(price: Price, u: Billable): number {
  const cached = Math.min(u.cachedInputTokens, u.inputTokens);
  let usd = ((u.inputTokens - cached) * price.input + cached * (price.cachedInput ?? price.input) + u.outputTokens * price.output) / 1e6;
  if (u.audioSeconds !== undefined && price.audioMinute !== undefined) usd += (u.audioSeconds / 60) * price.audioMinute;
  if (u.characters !== undefined && price.characters !== undefined) usd += (u.characters * price.characters) / 1e6;
  return usd;
}
