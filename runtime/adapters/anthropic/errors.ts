/**
 * Anthropic errors → classes. The body is `{"type":"error","error":{"type","message"}}`
 * both as a non-2xx answer and as an `event: error` inside a 200 stream (overloaded_error).
 */
import type { ProviderError } from "../../canonical/provider-error.js";
import type { ErrorClass } from "../../../schemas/plan/constants.js";
import { classOfStatus, isRecord, mentionsContextLimit, openAIParamOf, parseJson, retryAfterMs, shortMessage } from "../../canonical/provider-error.js";

function classOfType(type: string, message: string, status: number): ErrorClass {
  switch (type) {
    case "rate_limit_error":
      return "rate_limited";
    case "overloaded_error":
      return "overloaded";
    case "authentication_error":
    case "permission_error":
    case "billing_error":
      return "auth";
    case "api_error":
      return "server";
    case "timeout_error":
      return "timeout";
    case "invalid_request_error":
    case "request_too_large":
      return mentionsContextLimit(message) ? "context_too_long" : "bad_request";
    case "not_found_error":
      return "bad_request";
    default:
      return classOfStatus(status === 200 ? 500 : status);
  }
}

/** Anthropic names the field at fault first: `max_tokens: 300000 > 64000, …`, `messages.1.content.0.text: …`. */
const LEADING_FIELD = /^([a-z_]+(?:\.[a-z0-9_]+)*):\s/;

/** The OpenAI `param` an Anthropic rejection points at: the prompt for context overflow, else the field it names. */
function paramOf(cls: ErrorClass, message: string): string | null {
  if (cls === "context_too_long") return "messages";
  const field = LEADING_FIELD.exec(message)?.[1];
  return field === undefined ? null : openAIParamOf(field);
}

/** Classifies an Anthropic error object (the value of `error`), for a status (200 inside a stream). */
export function anthropicError(error: unknown, status: number, retryMs: number | null): ProviderError {
  const type = isRecord(error) && typeof error["type"] === "string" ? error["type"] : "";
  const message = shortMessage(isRecord(error) ? error["message"] : undefined, `Anthropic answered ${status}`);
  const cls = classOfType(type, message, status);
  return { class: cls, status, message: `anthropic: ${message}`, code: type === "" ? null : type, retryAfterMs: retryMs, param: paramOf(cls, message) };
}

/** Implements {@link ChatAdapter.classifyError} for Anthropic. */
export function classifyAnthropicError(status: number, headers: Readonly<Record<string, string | string[] | undefined>>, body: Buffer): ProviderError {
  const parsed = parseJson(body);
  return anthropicError(isRecord(parsed) ? parsed["error"] : undefined, status, retryAfterMs(headers));
}
