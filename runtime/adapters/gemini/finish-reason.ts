/** Gemini `finishReason` → OpenAI `finish_reason`, inside the OpenAI enum (docs/providers.md#google-gemini-and-vertex-ai-generatecontent). */
import type { FinishReason } from "../../canonical/chat-stream.js";

const FILTERED = new Set(["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION"]);

export function finishReasonOf(reason: unknown, hasToolCalls: boolean): FinishReason {
  if (reason === "MAX_TOKENS") return "length";
  if (typeof reason === "string" && FILTERED.has(reason)) return "content_filter";
  // STOP, MALFORMED_FUNCTION_CALL, OTHER, and reasons added after this was written.
  return hasToolCalls ? "tool_calls" : "stop";
}
