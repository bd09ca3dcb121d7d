/** Bedrock `stopReason` → OpenAI `finish_reason` (docs/providers.md#aws-bedrock-converse). */
import type { FinishReason } from "../../canonical/chat-stream.js";

export function finishReasonOf(stopReason: unknown): FinishReason {
  switch (stopReason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "content_filtered":
    case "guardrail_intervened":
      return "content_filter";
    default:
      return "stop";
  }
}
