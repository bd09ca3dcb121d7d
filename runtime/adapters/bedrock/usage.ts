/**
 * Bedrock `usage` → normalized usage. Bedrock reports cache reads and writes beside
 * `inputTokens`; whether `inputTokens` already includes them has differed between models,
 * so the total decides: prompt tokens = `totalTokens - outputTokens` when Bedrock sends a
 * total, else `inputTokens` plus the cache fields.
 */
import { emptyUsage, type Usage } from "../../base/usage.js";
import { count } from "../../canonical/openai-usage.js";
import { isRecord } from "../../canonical/provider-error.js";

export function bedrockUsage(usage: unknown): Usage | null {
  if (!isRecord(usage)) return null;
  const u = emptyUsage();
  u.cachedInputTokens = count(usage["cacheReadInputTokens"]);
  u.cacheCreationTokens = count(usage["cacheWriteInputTokens"]);
  u.outputTokens = count(usage["outputTokens"]);
  const input = count(usage["inputTokens"]);
  const total = count(usage["totalTokens"]);
  u.inputTokens = total > 0 ? Math.max(input, total - u.outputTokens) : input + u.cachedInputTokens + u.cacheCreationTokens;
  return u;
}
