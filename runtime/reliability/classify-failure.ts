/**
 * The error class of a transport-level attempt failure, for the reliability decisions.
 * Statuses follow OpenAI's conventions; a 4xx body's error `code` tells a prompt that
 * is too long or was filtered from an ordinary bad request.
 */
import type { ErrorClass } from "../adapters/error-class.js";
import type { AttemptFailure } from "../upstream/attempt-failure.js";

const CONTEXT_CODES = /"code"\s*:\s*"(context_length_exceeded|string_above_max_length)"/;
const FILTER_CODES = /"code"\s*:\s*"(content_filter|content_policy_violation)"/;

export function classifyFailure(f: AttemptFailure): ErrorClass {
  if (f.kind !== "status") return f.kind;
  const s = f.status;
  if (s === 429) return "rate_limited";
  if (s === 401 || s === 403) return "auth";
  if (s === 503 || s === 529) return "overloaded";
  if (s === 408) return "timeout";
  if (s >= 500) return "server";
  const text = f.body.length > 4096 ? f.body.subarray(0, 4096).toString("utf8") : f.body.toString("utf8");
  if (CONTEXT_CODES.test(text)) return "context_too_long";
  if (FILTER_CODES.test(text)) return "content_filtered";
  return "bad_request";
}
