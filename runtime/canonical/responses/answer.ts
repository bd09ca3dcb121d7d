/**
 * Canonical answers → the Responses API's shapes, for requests a translated provider
 * served: a `chat.completion` becomes a `response` object (a reasoning item with the
 * reasoning as its summary, a message item with the text, one `function_call` item per
 * tool call), and OpenAI usage becomes Responses usage. The same pieces build the
 * stream's events (stream.ts).
 */
import type { Usage } from "../../base/usage.js";
import { emptyUsage } from "../../base/usage.js";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function num(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0;
}

/** Chat usage (`prompt_tokens`, …) → Responses usage (`input_tokens`, …). */
export function responsesUsage(usage: unknown): Obj {
  const u = isObj(usage) ? usage : {};
  const prompt = isObj(u["prompt_tokens_details"]) ? u["prompt_tokens_details"] : {};
  const completion = isObj(u["completion_tokens_details"]) ? u["completion_tokens_details"] : {};
  const input = num(u["prompt_tokens"]);
  const output = num(u["completion_tokens"]);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: num(prompt["cached_tokens"]) },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: num(completion["reasoning_tokens"]) },
    total_tokens: input + output,
  };
}

/** Responses usage (as OpenAI reports it in a response or `response.completed`) → normalized usage; null without counts. */
export function normalizeResponsesUsage(usage: unknown): Usage | null {
  if (!isObj(usage) || (typeof usage["input_tokens"] !== "number" && typeof usage["output_tokens"] !== "number")) return null;
  const u = emptyUsage();
  u.inputTokens = Math.floor(num(usage["input_tokens"]));
  u.outputTokens = Math.floor(num(usage["output_tokens"]));
  const input = isObj(usage["input_tokens_details"]) ? usage["input_tokens_details"] : {};
  const output = isObj(usage["output_tokens_details"]) ? usage["output_tokens_details"] : {};
  u.cachedInputTokens = Math.floor(num(input["cached_tokens"]));
  u.reasoningTokens = Math.floor(num(output["reasoning_tokens"]));
  return u;
}

/** The response id for a canonical answer's id. */
export function responseId(id: unknown): string {
  const s = typeof id === "string" && id !== "" ? id : "gateway";
  return s.startsWith("resp_") ? s : `resp_${s}`;
}

/** `status` and `incomplete_details` for a chat finish reason. */
export function statusOf(finish: unknown): { status: string; incomplete_details: Obj | null } {
  if (finish === "length") return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
  if (finish === "content_filter") return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  return { status: "completed", incomplete_details: null };
}

/** The request fields a response echoes, from the client's Responses request. */
export function echoedFields(request: Readonly<Obj>): Obj {
  return {
    instructions: request["instructions"] ?? null,
    max_output_tokens: request["max_output_tokens"] ?? null,
    metadata: isObj(request["metadata"]) ? request["metadata"] : {},
    parallel_tool_calls: request["parallel_tool_calls"] ?? true,
    previous_response_id: null,
    reasoning: isObj(request["reasoning"]) ? request["reasoning"] : { effort: null, summary: null },
    store: false,
    temperature: request["temperature"] ?? null,
    text: isObj(request["text"]) ? request["text"] : { format: { type: "text" } },
    tool_choice: request["tool_choice"] ?? "auto",
    tools: Array.isArray(request["tools"]) ? request["tools"] : [],
    top_p: request["top_p"] ?? null,
    truncation: "disabled",
    user: request["user"] ?? null,
  };
}

/** The reasoning output item, its text as the summary (the providers' reasoning is what the gateway has of it). */
export function reasoningItem(id: string, text: string): Obj {
  return { id, type: "reasoning", summary: [{ type: "summary_text", text }] };
}

/** The assistant message output item. */
export function messageItem(id: string, text: string, status = "completed"): Obj {
  return { id, type: "message", status, role: "assistant", content: [{ type: "output_text", text, annotations: [], logprobs: [] }] };
}

/** A function call output item. */
export function functionCallItem(id: string, callId: string, name: string, args: string, status = "completed"): Obj {
  return { id, type: "function_call", status, call_id: callId, name, arguments: args };
}

/** A canonical `chat.completion` → a `response` object; null when the body is not a completion. */
export function encodeResponse(canonical: unknown, request: Readonly<Obj>): Obj | null {
  if (!isObj(canonical) || !Array.isArray(canonical["choices"])) return null;
  const choice = canonical["choices"][0] as unknown;
  const message = isObj(choice) && isObj(choice["message"]) ? choice["message"] : {};
  const id = responseId(canonical["id"]);
  const output: Obj[] = [];
  if (typeof message["reasoning_content"] === "string" && message["reasoning_content"] !== "") output.push(reasoningItem(`rs_${id}`, message["reasoning_content"]));
  if (typeof message["content"] === "string" && message["content"] !== "") output.push(messageItem(`msg_${id}`, message["content"]));
  const calls = Array.isArray(message["tool_calls"]) ? (message["tool_calls"] as unknown[]) : [];
  for (const [i, c] of calls.entries()) {
    const fn = isObj(c) && isObj(c["function"]) ? c["function"] : {};
    const callId = isObj(c) && typeof c["id"] === "string" ? c["id"] : `call_${i}`;
    const args = typeof fn["arguments"] === "string" && fn["arguments"] !== "" ? fn["arguments"] : "{}";
    output.push(functionCallItem(`fc_${callId}`, callId, String(fn["name"] ?? ""), args));
  }
  if (output.length === 0) output.push(messageItem(`msg_${id}`, ""));
  return {
    id,
    object: "response",
    created_at: typeof canonical["created"] === "number" ? canonical["created"] : Math.floor(Date.now() / 1000),
    ...statusOf(isObj(choice) ? choice["finish_reason"] : null),
    error: null,
    model: canonical["model"],
    output,
    ...echoedFields(request),
    usage: responsesUsage(canonical["usage"]),
  };
}
