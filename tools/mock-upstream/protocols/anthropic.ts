/**
 * Anthropic Messages (`POST /v1/messages`) as documented: named SSE events in the order
 * message_start, content_block_start, ping, content_block_delta…, content_block_stop,
 * (tool_use block), message_delta (stop_reason, cumulative usage), message_stop; errors as
 * `{"type":"error","error":{"type","message"},"request_id"}` with a `request-id` header.
 */
import type { ServerResponse } from "node:http";
import {
  argumentFragments,
  outputTokens,
  parseObject,
  pickTool,
  positiveInt,
  sendJson,
  textChars,
  type MockAnswer,
  type MockToolCall,
  type ProtocolRequest,
  type ProtocolWire,
} from "./wire.js";
import { answerText, piece } from "./wire.js";

function event(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Anthropic's error type for an HTTP status. */
function errorType(status: number): string {
  switch (status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 504:
      return "timeout_error";
    case 529:
    case 503:
      return "overloaded_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

function toolCall(body: Record<string, unknown>): MockToolCall | null {
  const tools = Array.isArray(body["tools"]) ? (body["tools"] as { name?: unknown; input_schema?: unknown }[]) : [];
  const choice = body["tool_choice"] as { type?: unknown; name?: unknown } | undefined;
  if (tools.length === 0 || choice?.type === "none") return null;
  const messages = Array.isArray(body["messages"]) ? (body["messages"] as { content?: unknown }[]) : [];
  const last = messages[messages.length - 1]?.content;
  if (Array.isArray(last) && last.some((b) => (b as { type?: unknown }).type === "tool_result")) return null;
  return pickTool(
    tools.map((t) => ({ name: t.name, schema: t.input_schema })),
    choice?.type === "tool" ? choice.name : undefined,
  );
}

function usage(a: MockAnswer, output: number): Record<string, number> {
  return { input_tokens: a.promptTokens - a.cachedTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: a.cachedTokens, output_tokens: output };
}

function stopReason(a: MockAnswer): string {
  return a.blocked ? "refusal" : a.toolCall !== null ? "tool_use" : a.truncated ? "max_tokens" : "end_turn";
}

export const ANTHROPIC_WIRE: ProtocolWire = {
  name: "anthropic",
  streamContentType: "text/event-stream; charset=utf-8",

  readRequest(text): ProtocolRequest | string {
    const body = parseObject(text);
    if (typeof body === "string") return body;
    if (typeof body["model"] !== "string" || body["model"] === "") return "model: Field required";
    if (!Array.isArray(body["messages"])) return "messages: Field required";
    const maxTokens = positiveInt(body["max_tokens"]);
    if (maxTokens === undefined) return "max_tokens: Field required";
    return {
      model: body["model"],
      stream: body["stream"] === true,
      maxTokens,
      promptChars: textChars(body["messages"]) + textChars({ system: body["system"] }),
      toolCall: toolCall(body),
    };
  },

  completion(a): string {
    const content: unknown[] = a.tokens > 0 ? [{ type: "text", text: answerText(a) }] : [];
    if (a.toolCall !== null) content.push({ type: "tool_use", id: `toolu_${a.id}`, name: a.toolCall.name, input: JSON.parse(a.toolCall.arguments) });
    return JSON.stringify({
      id: `msg_${a.id}`,
      type: "message",
      role: "assistant",
      model: a.model,
      content,
      stop_reason: stopReason(a),
      stop_sequence: null,
      usage: usage(a, outputTokens(a)),
    });
  },

  streamStart(a): Buffer {
    const start = event("message_start", {
      type: "message_start",
      message: { id: `msg_${a.id}`, type: "message", role: "assistant", model: a.model, content: [], stop_reason: null, stop_sequence: null, usage: usage(a, 1) },
    });
    const block = a.toolCall === null && !a.blocked ? event("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }) : "";
    return Buffer.from(start + block + event("ping", { type: "ping" }));
  },

  token(a, i): Buffer {
    return Buffer.from(event("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: piece(a, i) } }));
  },

  streamEnd(a): Buffer {
    let out = "";
    if (a.blocked) {
      // No content block: the model refused.
    } else if (a.toolCall === null) out += event("content_block_stop", { type: "content_block_stop", index: 0 });
    else {
      out += event("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: `toolu_${a.id}`, name: a.toolCall.name, input: {} } });
      out += event("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: "" } });
      for (const f of argumentFragments(a.toolCall))
        out += event("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: f } });
      out += event("content_block_stop", { type: "content_block_stop", index: 0 });
    }
    out += event("message_delta", { type: "message_delta", delta: { stop_reason: stopReason(a), stop_sequence: null }, usage: { output_tokens: outputTokens(a) } });
    out += event("message_stop", { type: "message_stop" });
    return Buffer.from(out);
  },

  streamError(): Buffer {
    return Buffer.from(event("error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }));
  },

  sendError(res: ServerResponse, status, message, retryAfterSeconds): void {
    const requestId = "req_mock";
    const headers: Record<string, string> = { "request-id": requestId };
    if (retryAfterSeconds !== undefined) headers["retry-after"] = String(retryAfterSeconds);
    sendJson(res, status, JSON.stringify({ type: "error", error: { type: errorType(status), message }, request_id: requestId }), headers);
  },
};
