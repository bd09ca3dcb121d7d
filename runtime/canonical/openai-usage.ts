/** Normalized usage → the OpenAI `usage` object every canonical answer carries. */
import type { Usage } from "../base/usage.js";

/** The OpenAI usage object; detail fields OpenAI always sends are always present. */
export function openAIUsage(u: Usage): Record<string, unknown> {
  const prompt: Record<string, number> = { cached_tokens: u.cachedInputTokens };
  if (u.cacheCreationTokens > 0) prompt["cache_write_tokens"] = u.cacheCreationTokens;
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    prompt_tokens_details: prompt,
    completion_tokens_details: { reasoning_tokens: u.reasoningTokens },
  };
}

/** A non-negative integer from a provider's usage field; anything else counts as 0. */
export function count(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
