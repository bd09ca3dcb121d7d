/** Anthropic `stop_reason` → OpenAI `finish_reason` (docs/providers.md#anthropic-messages; after Envoy AI Gateway). */
import type { FinishReason } from "../../canonical/chat-stream.js";

export function finishReasonOf(stopReason: unknown): FinishReason {
  switch (stopReason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return "tool_calls";
    case "refusal":
      return "content_filter";
    default:
      // end_turn, stop_sequence, pause_turn, and reasons added after this was written.
      return "stop";
  }
}

/** The reverse, for the inbound Messages API: OpenAI `finish_reason` → Anthropic `stop_reason`. */
export function stopReasonOf(finish: unknown): string {
  switch (finish) {
    case "length":
      return "max_tokens";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "content_filter":
      return "refusal";
    default:
      return "end_turn";
  }
}
