/**
 * Turns the last failed attempt into the client's error. Our own messages say what
 * happened without upstream payloads. The one exception is an upstream client error
 * (a 4xx other than auth, timeout and rate limits: the request itself was wrong):
 * its status is kept and its OpenAI error fields are passed on after their shape is
 * checked, so the client learns which parameter to fix. Raw bodies never pass.
 */
import { errorBody, type GatewayError } from "../server/errors.js";
import type { AttemptFailure } from "../upstream/attempt-failure.js";

function attemptsText(attempts: number): string {
  return attempts === 1 ? "1 attempt" : `${attempts} attempts`;
}

/** The gateway error for a failure that exhausted the attempt order. */
export function upstreamFailureError(failure: AttemptFailure, attempts: number): GatewayError {
  switch (failure.kind) {
    case "connect":
      return { code: "upstream_unavailable", message: `could not connect to the upstream (${attemptsText(attempts)})` };
    case "timeout":
      return { code: "upstream_timeout", message: `the upstream did not answer in time (${attemptsText(attempts)})` };
    case "interrupted":
      return { code: "upstream_error", message: `the upstream connection failed before the response was complete (${attemptsText(attempts)})` };
    case "status": {
      const s = failure.status;
      if (s === 429) {
        return { code: "upstream_rate_limited", message: `the upstream is rate limiting requests (${attemptsText(attempts)}); retry later`, retryAfter: failure.retryAfter ?? 1 };
      }
      if (s === 401 || s === 403) {
        return { code: "upstream_auth_failed", message: `the upstream refused the gateway's credentials (${attemptsText(attempts)}); this is a gateway configuration problem` };
      }
      return { code: "upstream_error", message: `the upstream answered HTTP ${s} (${attemptsText(attempts)})` };
    }
  }
}

const SAFE_TEXT = 2000;

function textOrNull(v: unknown): string | null {
  return typeof v === "string" ? v.slice(0, SAFE_TEXT) : null;
}

/** The body relayed for an upstream client error: its OpenAI error fields, or our own message. */
export function relayedClientErrorBody(status: number, body: Buffer): string {
  let parsed: unknown;
  try {
    parsed = body.length > 0 && body.length <= 65536 ? JSON.parse(body.toString("utf8")) : undefined;
  } catch {
    parsed = undefined;
  }
  const error = (parsed as { error?: unknown } | undefined)?.error;
  if (error !== null && typeof error === "object") {
    const e = error as Record<string, unknown>;
    const message = textOrNull(e.message);
    if (message !== null) {
      return JSON.stringify({ error: { message, type: textOrNull(e.type) ?? "invalid_request_error", param: textOrNull(e.param), code: textOrNull(e.code) } });
    }
  }
  return errorBody({ code: "invalid_request", message: `the upstream rejected the request with HTTP ${status}` });
}
