/**
 * Anthropic usage → normalized usage. Anthropic's `input_tokens` excludes cache reads and
 * cache writes, so they are added back (usage.ts semantics) and kept as separate fields.
 */
import type { Usage } from "../../base/usage.js";
import { count } from "../../canonical/openai-usage.js";
import { isRecord } from "../../canonical/provider-error.js";

/** Applies the fields present in an Anthropic `usage` object onto `u` (stream events carry only some). */
export function applyAnthropicUsage(u: Usage, usage: unknown): void {
  if (!isRecord(usage)) return;
  const read = usage["cache_read_input_tokens"];
  const write = usage["cache_creation_input_tokens"];
  if (read !== undefined && read !== null) u.cachedInputTokens = count(read);
  if (write !== undefined && write !== null) u.cacheCreationTokens = count(write);
  const input = usage["input_tokens"];
  if (input !== undefined && input !== null) u.inputTokens = count(input) + u.cachedInputTokens + u.cacheCreationTokens;
  else if (read !== undefined || write !== undefined) u.inputTokens = Math.max(u.inputTokens, u.cachedInputTokens + u.cacheCreationTokens);
  const output = usage["output_tokens"];
  if (output !== undefined && output !== null) u.outputTokens = count(output);
}
