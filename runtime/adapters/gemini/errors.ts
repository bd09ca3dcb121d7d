/**
 * Gemini / Vertex errors → classes. The body is Google's `{"error":{"code","message",
 * "status","details"}}` (Vertex may wrap it in an array); the same object can arrive as a
 * data event inside a 200 stream. An invalid API key is a 400 with reason API_KEY_INVALID.
 */
import type { ProviderError } from "../../canonical/provider-error.js";
import type { ErrorClass } from "../../../schemas/plan/constants.js";
import { classOfStatus, googleRetryDelayMs, isRecord, mentionsContextLimit, openAIParamOf, parseJson, retryAfterMs, shortMessage } from "../../canonical/provider-error.js";

function classOf(status: string, reasons: string, message: string, httpStatus: number): ErrorClass {
  if (/API_KEY_INVALID|API_KEY_EXPIRED|ACCESS_TOKEN_EXPIRED/.test(reasons)) return "auth";
  switch (status) {
    case "RESOURCE_EXHAUSTED":
      return "rate_limited";
    case "UNAVAILABLE":
      return "overloaded";
    case "UNAUTHENTICATED":
    case "PERMISSION_DENIED":
      return "auth";
    case "DEADLINE_EXCEEDED":
      return "timeout";
    case "INTERNAL":
    case "UNKNOWN":
      return "server";
    case "INVALID_ARGUMENT":
    case "FAILED_PRECONDITION":
    case "OUT_OF_RANGE":
      return mentionsContextLimit(message) ? "context_too_long" : "bad_request";
    case "NOT_FOUND":
      return "bad_request";
    default:
      return classOfStatus(httpStatus === 200 ? 500 : httpStatus);
  }
}

/** The field a `google.rpc.BadRequest` detail names (`generation_config.max_output_tokens`), as an OpenAI `param`. */
function violatedParam(details: readonly unknown[]): string | null {
  for (const d of details) {
    const violations = isRecord(d) && Array.isArray(d["fieldViolations"]) ? (d["fieldViolations"] as unknown[]) : [];
    for (const v of violations) {
      const param = isRecord(v) && typeof v["field"] === "string" ? openAIParamOf(v["field"]) : null;
      if (param !== null) return param;
    }
  }
  return null;
}

/**
 * Classifies a Google error object (the value of `error`). Google's wait hint is a
 * `RetryInfo` detail (`retryDelay: "34.4s"`), not a header: it wins over the header,
 * kept to the millisecond.
 */
export function geminiError(error: unknown, httpStatus: number, retryMs: number | null, provider: string): ProviderError {
  const e = isRecord(error) ? error : {};
  const status = typeof e["status"] === "string" ? e["status"] : "";
  const details = Array.isArray(e["details"]) ? (e["details"] as unknown[]) : [];
  const reasons = details.map((d) => (isRecord(d) && typeof d["reason"] === "string" ? d["reason"] : "")).join(" ");
  const message = shortMessage(e["message"], `${provider} answered ${httpStatus}`);
  const cls = classOf(status, reasons, message, httpStatus);
  return {
    class: cls,
    status: httpStatus,
    message: `${provider}: ${message}`,
    code: status === "" ? null : status,
    retryAfterMs: googleRetryDelayMs(details) ?? retryMs,
    param: cls === "context_too_long" ? "messages" : violatedParam(details),
  };
}

/** The `error` object of a Google error body (plain or wrapped in an array), or undefined. */
export function errorObjectOf(parsed: unknown): unknown {
  const first = Array.isArray(parsed) ? parsed[0] : parsed;
  return isRecord(first) ? first["error"] : undefined;
}

/** Implements {@link ChatAdapter.classifyError} for Gemini and Vertex. */
export function classifyGeminiError(status: number, headers: Readonly<Record<string, string | string[] | undefined>>, body: Buffer, provider = "gemini"): ProviderError {
  return geminiError(errorObjectOf(parseJson(body)), status, retryAfterMs(headers), provider);
}
