/** Builds the canonical non-streamed answer (an OpenAI `chat.completion` body). */
import type { Usage } from "../base/usage.js";
import type { FinishReason } from "./chat-stream.js";
import { openAIUsage } from "./openai-usage.js";

/** A tool call as the canonical answer carries it. */
export interface CanonicalToolCall {
  id: string;
  name: string;
  /** JSON text, as OpenAI sends it. */
  arguments: string;
}

/** What an adapter extracted from its provider's answer. */
export interface CanonicalAnswer {
  id: string;
  model: string;
  created: number;
  /** Null when the answer is tool calls only (OpenAI sends null then). */
  text: string | null;
  reasoning: string | null;
  toolCalls: readonly CanonicalToolCall[];
  finishReason: FinishReason;
  usage: Usage | null;
}

export function completionBody(a: CanonicalAnswer): Buffer {
  const message: Record<string, unknown> = { role: "assistant", content: a.text, refusal: null, annotations: [] };
  if (a.reasoning !== null) message["reasoning_content"] = a.reasoning;
  if (a.toolCalls.length > 0) {
    message["tool_calls"] = a.toolCalls.map((t) => ({ id: t.id, type: "function", function: { name: t.name, arguments: t.arguments } }));
  }
  const body: Record<string, unknown> = {
    id: a.id,
    object: "chat.completion",
    created: a.created,
    model: a.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: a.finishReason }],
  };
  if (a.usage !== null) body["usage"] = openAIUsage(a.usage);
  body["system_fingerprint"] = null;
  return Buffer.from(JSON.stringify(body));
}

/** Characters of generated content in an answer, for charging when usage is missing. */
export function answerChars(a: CanonicalAnswer): number {
  let n = (a.text?.length ?? 0) + (a.reasoning?.length ?? 0);
  for (const t of a.toolCalls) n += t.arguments.length;
  return n;
}
