/**
 * Gemini `usageMetadata` → normalized usage. `candidatesTokenCount` excludes thinking
 * tokens (`thoughtsTokenCount`), so they are added to the output (OpenAI counts reasoning
 * as output); `promptTokenCount` already includes `cachedContentTokenCount`.
 */
import { emptyUsage, type Usage } from "../../base/usage.js";
import { count } from "../../canonical/openai-usage.js";
import { isRecord } from "../../canonical/provider-error.js";

export function geminiUsage(meta: unknown): Usage | null {
  if (!isRecord(meta)) return null;
  const u = emptyUsage();
  u.inputTokens = count(meta["promptTokenCount"]) + count(meta["toolUsePromptTokenCount"]);
  u.cachedInputTokens = count(meta["cachedContentTokenCount"]);
  u.reasoningTokens = count(meta["thoughtsTokenCount"]);
  u.outputTokens = count(meta["candidatesTokenCount"]) + u.reasoningTokens;
  return u;
}
