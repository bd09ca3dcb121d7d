/** Gemini / Vertex `generateContent` response → canonical `chat.completion`. */
import type { DecodedResponse } from "../adapter.js";
import type { ProviderError } from "../../canonical/provider-error.js";
import { answerChars, completionBody, type CanonicalAnswer, type CanonicalToolCall } from "../../canonical/chat-response.js";
import { isProviderError } from "../../canonical/provider-error.js";
import { isRecord, parseJson } from "../../canonical/provider-error.js";
import { readCandidate } from "./candidate.js";
import { errorObjectOf, geminiError } from "./errors.js";
import { finishReasonOf } from "./finish-reason.js";
import { geminiUsage } from "./usage.js";

export function decodeGeminiResponse(body: Buffer, model: string, requestId: string, provider: string): DecodedResponse | ProviderError {
  const res = parseJson(body);
  const err = errorObjectOf(res);
  if (err !== undefined) return geminiError(err, 200, null, provider);
  if (!isRecord(res)) return { class: "server", status: 200, message: `${provider}: the answer is not a JSON object`, code: null, retryAfterMs: null };
  const cand = readCandidate(res, provider);
  if (isProviderError(cand)) return cand;
  let text: string | null = null;
  let reasoning: string | null = null;
  for (const t of cand.texts) {
    if (t.thought) reasoning = (reasoning ?? "") + t.text;
    else text = (text ?? "") + t.text;
  }
  const toolCalls: CanonicalToolCall[] = cand.calls.map((c, i) => ({ id: c.id ?? `call_${requestId}_${i}`, name: c.name, arguments: JSON.stringify(c.args) }));
  const usage = geminiUsage(res["usageMetadata"]);
  const answer: CanonicalAnswer = {
    id: typeof res["responseId"] === "string" ? res["responseId"] : `chatcmpl-${requestId}`,
    model: typeof res["modelVersion"] === "string" ? res["modelVersion"] : model,
    created: Math.floor(Date.now() / 1000),
    text: text ?? (toolCalls.length > 0 ? null : ""),
    reasoning,
    toolCalls,
    finishReason: finishReasonOf(cand.finishReason, toolCalls.length > 0),
    usage,
  };
  return { body: completionBody(answer), usage: answer.usage, outputChars: answerChars(answer) };
}
