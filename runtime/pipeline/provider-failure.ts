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

/** Default OpenAI `code` per request-fault class, when the provider gave none. */
const FAULT_CODES: Partial<Record<ErrorClass, string>> = { context_too_long: "context_length_exceeded", content_filtered: "content_filter" };

/** A client error response: status and body. */
export interface ClientError {
  readonly status: number;
  readonly body: string;
  readonly retryAfter?: number;
}

/** The response for the last failure of a request that made `attempts` upstream attempts. */
export function clientErrorOf(error: ProviderError, attempts: number): ClientError | GatewayError {
  if (REQUEST_FAULTS.has(error.class)) {
    const status = error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 403 && error.status !== 429 ? error.status : 400;
    const code = error.code ?? FAULT_CODES[error.class] ?? null;
    return { status, body: JSON.stringify({ error: { message: error.message, type: "invalid_request_error", param: error.param ?? null, code } }) };
  }
  const n = { attempts: attemptsText(attempts) };
  switch (error.class) {
    case "rate_limited":
      return gatewayError("upstream-rate-limited", n, { retryAfter: error.retryAfterMs === null ? 1 : Math.max(1, Math.ceil(error.retryAfterMs / 1000)) });
    case "auth":
      return gatewayError("upstream-auth-failed", n);
    case "connect":
      return gatewayError("upstream-unavailable", n);
    case "timeout":
      return gatewayError("upstream-timeout", n);
    case "interrupted":
      return gatewayError("upstream-interrupted", n);
    case "overloaded":
      return error.code === POOL_SATURATED && error.status === 0 ? gatewayError("upstream-pool-saturated", n, { retryAfter: 1 }) : gatewayError("upstream-overloaded", n);
    default:
      return error.status > 0 ? gatewayError("upstream-status", { ...n, status: error.status }) : gatewayError("upstream-failed", n);
  }
}

/** The `data: {"error":…}` event that ends a stream after its commit point. */
export function streamErrorEvent(err: GatewayError | ProviderError): string {
  if (!("class" in err)) return `data: ${errorBody(err)}\n\n`;
  const message = `the upstream reported an error in the middle of the stream: ${err.message}`;
  return `data: ${JSON.stringify({ error: { message, type: "server_error", param: null, code: err.code ?? err.class } })}\n\n`;
}
