/** Anthropic Messages response → canonical `chat.completion`. */
import type { DecodedResponse } from "../adapter.js";
import type { ProviderError } from "../../canonical/provider-error.js";
import { emptyUsage } from "../../base/usage.js";
import { answerChars, completionBody, type CanonicalAnswer, type CanonicalToolCall } from "../../canonical/chat-response.js";
import { isRecord, parseJson } from "../../canonical/provider-error.js";
import { anthropicError } from "./errors.js";
import { finishReasonOf } from "./finish-reason.js";
import { applyAnthropicUsage } from "./usage.js";

/** Implements {@link ChatAdapter.decodeChatResponse} for Anthropic; `model` is the name sent upstream. */
export function decodeAnthropicResponse(body: Buffer, model: string): DecodedResponse | ProviderError {
  const msg = parseJson(body);
  if (!isRecord(msg)) return { class: "server", status: 200, message: "anthropic: the answer is not a JSON object", code: null, retryAfterMs: null };
  if (msg["type"] === "error") return anthropicError(msg["error"], 200, null);
  let text: string | null = null;
  let reasoning: string | null = null;
  const toolCalls: CanonicalToolCall[] = [];
  const content = Array.isArray(msg["content"]) ? (msg["content"] as unknown[]) : [];
  for (const block of content) {
    if (!isRecord(block)) continue;
    if (block["type"] === "text" && typeof block["text"] === "string") text = (text ?? "") + block["text"];
    else if (block["type"] === "thinking" && typeof block["thinking"] === "string") reasoning = (reasoning ?? "") + block["thinking"];
    else if (block["type"] === "tool_use" && typeof block["name"] === "string") {
      toolCalls.push({ id: String(block["id"] ?? ""), name: block["name"], arguments: JSON.stringify(block["input"] ?? {}) });
    }
  }
  const usage = emptyUsage();
  applyAnthropicUsage(usage, msg["usage"]);
  const hasUsage = isRecord(msg["usage"]);
  const answer: CanonicalAnswer = {
    id: typeof msg["id"] === "string" ? msg["id"] : "msg",
    model: typeof msg["model"] === "string" ? msg["model"] : model,
    created: Math.floor(Date.now() / 1000),
    text: text ?? (toolCalls.length > 0 ? null : ""),
    reasoning,
    toolCalls,
    finishReason: finishReasonOf(msg["stop_reason"]),
    usage: hasUsage ? usage : null,
  };
  return { body: completionBody(answer), usage: answer.usage, outputChars: answerChars(answer) };
}
