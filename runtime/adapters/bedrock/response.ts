/** Bedrock Converse response → canonical `chat.completion`. */
import type { DecodedResponse } from "../adapter.js";
import type { ProviderError } from "../../canonical/provider-error.js";
import { answerChars, completionBody, type CanonicalAnswer, type CanonicalToolCall } from "../../canonical/chat-response.js";
import { isRecord, parseJson } from "../../canonical/provider-error.js";
import { finishReasonOf } from "./finish-reason.js";
import { bedrockUsage } from "./usage.js";

/** Implements {@link ChatAdapter.decodeChatResponse} for Bedrock; `model` is the model id sent. */
export function decodeConverseResponse(body: Buffer, model: string, requestId: string): DecodedResponse | ProviderError {
  const res = parseJson(body);
  if (!isRecord(res)) return { class: "server", status: 200, message: "bedrock: the answer is not a JSON object", code: null, retryAfterMs: null };
  const output = isRecord(res["output"]) ? res["output"] : {};
  const message = isRecord(output["message"]) ? output["message"] : {};
  const content = Array.isArray(message["content"]) ? (message["content"] as unknown[]) : [];
  let text: string | null = null;
  let reasoning: string | null = null;
  const toolCalls: CanonicalToolCall[] = [];
  for (const block of content) {
    if (!isRecord(block)) continue;
    if (typeof block["text"] === "string") text = (text ?? "") + block["text"];
    else if (isRecord(block["toolUse"])) {
      const t = block["toolUse"];
      toolCalls.push({ id: String(t["toolUseId"] ?? ""), name: String(t["name"] ?? ""), arguments: JSON.stringify(t["input"] ?? {}) });
    } else if (isRecord(block["reasoningContent"]) && isRecord(block["reasoningContent"]["reasoningText"])) {
      const r = block["reasoningContent"]["reasoningText"]["text"];
      if (typeof r === "string") reasoning = (reasoning ?? "") + r;
    }
  }
  const usage = bedrockUsage(res["usage"]);
  const answer: CanonicalAnswer = {
    id: `chatcmpl-${requestId}`,
    model,
    created: Math.floor(Date.now() / 1000),
    text: text ?? (toolCalls.length > 0 ? null : ""),
    reasoning,
    toolCalls,
    finishReason: finishReasonOf(res["stopReason"]),
    usage,
  };
  return { body: completionBody(answer), usage: answer.usage, outputChars: answerChars(answer) };
}
