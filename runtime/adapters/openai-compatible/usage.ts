/**
 * OpenAI `usage` objects → normalized Usage (found in bodies and events by json-scan.ts).
 */
import type { Usage } from "../../base/usage.js";
import { objectEnd } from "./json-scan.js";

function count(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : 0;
}

function field(o: unknown, key: string): unknown {
  return typeof o === "object" && o !== null ? (o as Record<string, unknown>)[key] : undefined;
}

/**
 * Normalizes an OpenAI `usage` object. Cached input is `prompt_tokens_details.cached_tokens`
 * (DeepSeek: `prompt_cache_hit_tokens`); cache writes `prompt_tokens_details.cache_write_tokens`;
 * reasoning `completion_tokens_details.reasoning_tokens`. Null when it has no token counts.
 */
export function normalizeOpenAIUsage(u: unknown): Usage | null {
  if (typeof u !== "object" || u === null) return null;
  const input = field(u, "prompt_tokens");
  const output = field(u, "completion_tokens");
  if (typeof input !== "number" && typeof output !== "number") return null;
  const promptDetails = field(u, "prompt_tokens_details");
  return {
    inputTokens: count(input),
    outputTokens: count(output),
    cachedInputTokens: count(field(promptDetails, "cached_tokens") ?? field(u, "prompt_cache_hit_tokens")),
    cacheCreationTokens: count(field(promptDetails, "cache_write_tokens")),
    reasoningTokens: count(field(field(u, "completion_tokens_details"), "reasoning_tokens")),
    source: "upstream",
  };
}

/** The `usage` object whose `{` is at `at` in `buf[…, end)`, normalized; null when cut off or unreadable. */
export function usageAt(buf: Buffer, at: number, end: number): Usage | null {
  const close = objectEnd(buf, at, end);
  if (close === -1) return null;
  try {
    return normalizeOpenAIUsage(JSON.parse(buf.toString("utf8", at, close)));
  } catch {
    return null;
  }
}
