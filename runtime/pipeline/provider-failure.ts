/**
 * Provider failures on their way to the client: transport failures as ProviderErrors,
 * and the final error response once the attempt order is exhausted (or the request's
 * own fault stopped it). Our messages never embed upstream payloads; the provider's
 * message is shown only when the adapter classified it as safe (request errors).
 */
import type { ProviderError } from "../canonical/provider-error.js";
import type { ErrorClass } from "../../schemas/plan/constants.js";
import type { AttemptOutcome } from "../base/request-record.js";
import { errorBody, gatewayError, type GatewayError } from "../base/errors.js";
import type { AttemptFailure } from "../upstream/attempt-failure.js";
import { POOL_SATURATED } from "../upstream/pool-waits.js";
import type { UpstreamAttempt } from "../upstream/upstream-attempt.js";
import type { LinkedTarget } from "../plan/linked-plan.js";

/** An attempt's failure as the target's adapter classifies it (an error status), or as the transport reported it. */
export function classifyFailure(target: LinkedTarget, attempt: UpstreamAttempt, failure: AttemptFailure): ProviderError {
  return failure.kind === "status" ? target.upstream.adapter.classifyError(failure.status, attempt.headers, failure.body) : transportError(failure);
}

/** Deepest JSON nesting read from an upstream answer; deeper is an unreadable answer (no recursive walker ever sees it). */
export const MAX_UPSTREAM_JSON_DEPTH = 256;

/**
 * An upstream answer the gateway could not read (nested too deep, or its decoding
 * threw): a server fault of that attempt, so it falls back or ends the request with an
 * error, and never leaves the request without an answer.
 */
export function unreadableAnswer(provider: string, err: unknown): ProviderError {
  const detail = err instanceof Error ? (err instanceof RangeError ? "nested too deep" : err.message.slice(0, 120)) : String(err).slice(0, 120);
  return { class: "server", status: 200, message: `${provider}: the answer could not be read (${detail})`, code: "unreadable_upstream_answer", retryAfterMs: null };
}

/** A connect error, timeout, broken connection or saturated pool as a ProviderError. */
export function transportError(failure: Exclude<AttemptFailure, { kind: "status" }>): ProviderError {
  // A saturated pool is overload seen from our side: fallback may take another target (DEFAULT_FALLBACK_ON).
  if (failure.kind === "saturated") return { class: "overloaded", status: 0, message: failure.detail, code: POOL_SATURATED, retryAfterMs: null };
  return { class: failure.kind, status: 0, message: failure.detail, code: null, retryAfterMs: null };
}

/** The attempt outcome label (metrics, audit) of a classified failure. */
export function outcomeOf(error: ProviderError): AttemptOutcome {
  switch (error.class) {
    case "timeout":
    case "connect":
    case "interrupted":
      return error.class;
    default:
      return error.status >= 500 || error.class === "overloaded" || error.class === "server" ? "5xx" : "4xx";
  }
}

function attemptsText(attempts: number): string {
  return attempts === 1 ? "1 attempt" : `${attempts} attempts`;
}

/** The request's own fault: the provider's status (when a 4xx) and message are kept. */
const REQUEST_FAULTS: ReadonlySet<ErrorClass> = new Set(["bad_request", "context_too_long", "content_filtered"]);

/**
 * The OpenAI `code` of a request fault, the one OpenAI's SDKs and agent frameworks
 * branch on: `context_length_exceeded` and `content_filter` whatever the provider
 * called them; an OpenAI-compatible upstream's own code otherwise; for other
 * providers `model_not_found` for an unknown model, else none (their codes,
 * `ValidationException` or `INVALID_ARGUMENT`, mean nothing to an OpenAI client).
 */
function faultCode(error: ProviderError): string | null {
  if (error.class === "context_too_long") return "context_length_exceeded";
  if (error.class === "content_filtered") return "content_filter";
  if (error.openAIFields === true) return error.code;
  return error.status === 404 || /not_?found/i.test(error.code ?? "") ? "model_not_found" : null;
}

/** A client error response: status and body. */
export interface ClientError {
  readonly status: number;
  readonly body: string;
}

/** The wait hint as the client gets it: whole seconds (rounded up, never down to 1) and the exact milliseconds. */
function retryHint(error: ProviderError): { retryAfter?: number; retryAfterMs?: number } {
  const ms = error.retryAfterMs;
  if (ms === null || !Number.isFinite(ms) || ms < 0) return {};
  return { retryAfter: Math.max(1, Math.ceil(ms / 1000)), retryAfterMs: Math.round(ms) };
}

/** The response for the last failure of a request that made `attempts` upstream attempts. */
export function clientErrorOf(error: ProviderError, attempts: number): ClientError | GatewayError {
  if (REQUEST_FAULTS.has(error.class)) {
    const status = error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 403 && error.status !== 429 ? error.status : 400;
    return { status, body: JSON.stringify({ error: { message: error.message, type: "invalid_request_error", param: error.param ?? null, code: faultCode(error) } }) };
  }
  const n = { attempts: attemptsText(attempts) };
  switch (error.class) {
    case "rate_limited":
      return error.code === "insufficient_quota"
        ? gatewayError("upstream-quota-exhausted", { ...n, detail: error.message })
        : gatewayError("upstream-rate-limited", { ...n, detail: error.message }, retryHint(error));
    case "auth":
      return gatewayError("upstream-auth-failed", n);
    case "connect":
      return gatewayError("upstream-unavailable", n);
    case "timeout":
      return gatewayError("upstream-timeout", n);
    case "interrupted":
      return gatewayError("upstream-interrupted", n);
    case "overloaded":
      return error.code === POOL_SATURATED && error.status === 0
        ? gatewayError("upstream-pool-saturated", n, { retryAfter: 1 })
        : gatewayError("upstream-overloaded", { ...n, detail: error.message }, retryHint(error));
    default:
      return error.status > 0 ? gatewayError("upstream-status", { ...n, status: error.status }, retryHint(error)) : gatewayError("upstream-failed", n);
  }
}

/** The `data: {"error":…}` event that ends a stream after its commit point. */
export function streamErrorEvent(err: GatewayError | ProviderError): string {
  if (!("class" in err)) return `data: ${errorBody(err)}\n\n`;
  const message = `the upstream reported an error in the middle of the stream: ${err.message}`;
  return `data: ${JSON.stringify({ error: { message, type: "server_error", param: null, code: err.code ?? err.class } })}\n\n`;
}
