/**
 * Provider failures on their way to the client: transport failures as ProviderErrors,
 * and the final error response once the attempt order is exhausted (or the request's
 * own fault stopped it). Our messages never embed upstream payloads; the provider's
 * message is shown only when the adapter classified it as safe (request errors).
 */
import type { ProviderError } from "../canonical/provider-error.js";
import type { ErrorClass } from "../../schemas/plan/constants.js";
import type { AttemptOutcome } from "../base/request-record.js";
import { errorBody, type GatewayError } from "../base/errors.js";
import type { AttemptFailure } from "../upstream/attempt-failure.js";

/** A connect error, timeout or broken connection as a ProviderError. */
export function transportError(failure: Exclude<AttemptFailure, { kind: "status" }>): ProviderError {
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
  const n = attemptsText(attempts);
  switch (error.class) {
    case "rate_limited":
      return {
        code: "upstream_rate_limited",
        message: `the upstream is rate limiting requests (${n}); retry later`,
        retryAfter: error.retryAfterMs === null ? 1 : Math.max(1, Math.ceil(error.retryAfterMs / 1000)),
      };
    case "auth":
      return { code: "upstream_auth_failed", message: `the upstream refused the gateway's credentials (${n}); this is a gateway configuration problem` };
    case "connect":
      return { code: "upstream_unavailable", message: `could not connect to the upstream (${n})` };
    case "timeout":
      return { code: "upstream_timeout", message: `the upstream did not answer in time (${n})` };
    case "interrupted":
      return { code: "upstream_error", message: `the upstream connection failed before the response was complete (${n})` };
    case "overloaded":
      return { code: "upstream_error", message: `the upstream is overloaded (${n})` };
    default:
      return { code: "upstream_error", message: error.status > 0 ? `the upstream answered HTTP ${error.status} (${n})` : `the upstream failed (${n})` };
  }
}

/** The `data: {"error":…}` event that ends a stream after its commit point. */
export function streamErrorEvent(err: GatewayError | ProviderError): string {
  if (!("class" in err)) return `data: ${errorBody(err)}\n\n`;
  const message = `the upstream reported an error in the middle of the stream: ${err.message}`;
  return `data: ${JSON.stringify({ error: { message, type: "server_error", param: null, code: err.code ?? err.class } })}\n\n`;
}
