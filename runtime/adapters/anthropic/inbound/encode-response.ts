/**
 * Canonical answers and errors → Anthropic's shapes: a `chat.completion` body becomes a
 * `message`; an OpenAI error body becomes `{"type":"error","error":{"type","message"}}`
 * with Anthropic's error type for the status (what the Anthropic SDK branches on).
 */
import { stopReasonOf } from "../finish-reason.js";

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function num(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) && v > 0 ? v : 0;
}

/** OpenAI usage → Anthropic usage (input excludes cache reads and writes, which are reported apart). */
export function anthropicUsage(usage: unknown): Obj {
  const u = isObj(usage) ? usage : {};
  const details = isObj(u["prompt_tokens_details"]) ? u["prompt_tokens_details"] : {};
  const read = num(details["cached_tokens"]);
  const write = num(details["cache_write_tokens"]);
  return {
    input_tokens: Math.max(0, num(u["prompt_tokens"]) - read - write),
    cache_creation_input_tokens: write,
    cache_read_input_tokens: read,
    output_tokens: num(u["completion_tokens"]),
  };
}

/** The Anthropic message id for a canonical id. */
export function messageId(id: unknown): string {
  const s = typeof id === "string" && id !== "" ? id : "gateway";
  return s.startsWith("msg_") ? s : `msg_${s}`;
}

/** A canonical `chat.completion` → an Anthropic `message`; null when the body is not one. */
export function encodeMessage(canonical: unknown): Obj | null {
  if (!isObj(canonical) || !Array.isArray(canonical["choices"])) return null;
  const choice = canonical["choices"][0] as unknown;
  const message = isObj(choice) && isObj(choice["message"]) ? choice["message"] : {};
  const content: Obj[] = [];
  if (typeof message["reasoning_content"] === "string" && message["reasoning_content"] !== "") {
    content.push({ type: "thinking", thinking: message["reasoning_content"], signature: "" });
  }
  if (typeof message["content"] === "string" && message["content"] !== "") content.push({ type: "text", text: message["content"] });
  const calls = Array.isArray(message["tool_calls"]) ? (message["tool_calls"] as unknown[]) : [];
  for (const c of calls) {
    const fn = isObj(c) && isObj(c["function"]) ? c["function"] : {};
    let input: unknown = {};
    try {
      input = JSON.parse(typeof fn["arguments"] === "string" && fn["arguments"] !== "" ? fn["arguments"] : "{}");
    } catch {
      input = {};
    }
    content.push({ type: "tool_use", id: isObj(c) && typeof c["id"] === "string" ? c["id"] : "", name: String(fn["name"] ?? ""), input });
  }
  return {
    id: messageId(canonical["id"]),
    type: "message",
    role: "assistant",
    model: canonical["model"],
    content,
    stop_reason: stopReasonOf(isObj(choice) ? choice["finish_reason"] : null),
    stop_sequence: null,
    usage: anthropicUsage(canonical["usage"]),
  };
}

/** Anthropic's error type for an HTTP status. */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 503:
    case 529:
      return "overloaded_error";
    case 504:
      return "timeout_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

/** An Anthropic error body for `status`, with the message of an OpenAI error body (or `fallback`). */
export function encodeError(status: number, openAIBody: unknown, requestId: string, fallback = "the request failed"): string {
  const err = isObj(openAIBody) && isObj(openAIBody["error"]) ? openAIBody["error"] : {};
  const message = typeof err["message"] === "string" ? err["message"] : fallback;
  return JSON.stringify({ type: "error", error: { type: anthropicErrorType(status), message }, request_id: requestId });
}

/** The error event that ends an Anthropic stream, from a canonical in-stream error object. */
export function errorEvent(error: unknown): string {
  const e = isObj(error) ? error : {};
  const code = typeof e["code"] === "string" ? e["code"].toLowerCase() : "";
  const type = /rate_limit|throttl|resource_exhausted/.test(code) ? "rate_limit_error" : /overloaded|unavailable|interrupted/.test(code) ? "overloaded_error" : "api_error";
  return `event: error\ndata: ${JSON.stringify({ type: "error", error: { type, message: typeof e["message"] === "string" ? e["message"] : "the upstream failed" } })}\n\n`;
}
