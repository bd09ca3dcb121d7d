/**
 * The gateway's closed error taxonomy: each code has one HTTP status and one OpenAI
 * error `type`. Every error the gateway itself produces goes through `errorBody`, so
 * the wire shape is always `{"error":{"message","type","param","code"}}` with all four
 * keys. Messages are ours: upstream payloads and secrets never appear in them.
 */

export const GATEWAY_ERRORS = {
  invalid_json: { status: 400, type: "invalid_request_error" },
  invalid_request: { status: 400, type: "invalid_request_error" },
  json_too_deep: { status: 400, type: "invalid_request_error" },
  content_blocked: { status: 400, type: "invalid_request_error" },
  invalid_api_key: { status: 401, type: "invalid_request_error" },
  model_not_allowed: { status: 403, type: "invalid_request_error" },
  model_not_found: { status: 404, type: "invalid_request_error" },
  not_found: { status: 404, type: "invalid_request_error" },
  method_not_allowed: { status: 405, type: "invalid_request_error" },
  request_too_large: { status: 413, type: "invalid_request_error" },
  upstream_rate_limited: { status: 429, type: "rate_limit_error" },
  rate_limit_exceeded: { status: 429, type: "rate_limit_error" },
  insufficient_quota: { status: 429, type: "insufficient_quota" },
  internal_error: { status: 500, type: "server_error" },
  upstream_error: { status: 502, type: "server_error" },
  upstream_unavailable: { status: 502, type: "server_error" },
  upstream_auth_failed: { status: 502, type: "server_error" },
  no_upstream_available: { status: 503, type: "server_error" },
  upstream_busy: { status: 503, type: "server_error" },
  quota_store_unavailable: { status: 503, type: "server_error" },
  moderation_unavailable: { status: 503, type: "server_error" },
  upstream_timeout: { status: 504, type: "server_error" },
  upstream_stream_interrupted: { status: 502, type: "server_error" },
} as const satisfies Record<string, { status: number; type: string }>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

/** A gateway error on its way to the client. */
export interface GatewayError {
  code: GatewayErrorCode;
  message: string;
  param?: string | null;
  /** Seconds, for 429/503 (also sent as `retry-after`). */
  retryAfter?: number;
}

export function errorStatus(code: GatewayErrorCode): number {
  return GATEWAY_ERRORS[code].status;
}

/** The OpenAI error object (the value of the "error" key). */
export function errorObject(err: GatewayError): { message: string; type: string; param: string | null; code: string } {
  return { message: err.message, type: GATEWAY_ERRORS[err.code].type, param: err.param ?? null, code: err.code };
}

/** The JSON body of an error response. */
export function errorBody(err: GatewayError): string {
  return JSON.stringify({ error: errorObject(err) });
}
