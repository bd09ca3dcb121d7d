/**
 * What went wrong with one upstream attempt, and whether the next target may be
 * tried. Only failures before the commit point (first byte to the client) can move
 * to another target.
 */

export type AttemptFailure =
  | { kind: "connect"; detail: string }
  | { kind: "timeout"; detail: string }
  | { kind: "interrupted"; detail: string }
  /** Every connection of the pool stayed busy past `timeouts.connectionWait`: nothing was sent. */
  | { kind: "saturated"; detail: string }
  | { kind: "status"; status: number; retryAfter: number | undefined; body: Buffer };

/** Statuses after which another target may do better: rate limits, overload, server faults, a bad provider key. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500 || status === 401 || status === 403 || status === 408;
}

export function isRetryable(failure: AttemptFailure): boolean {
  return failure.kind !== "status" || isRetryableStatus(failure.status);
}

const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "TOLLGATE_ATTEMPT_DEADLINE", "TOLLGATE_FIRST_TOKEN_TIMEOUT"]);
const CONNECT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_CONNECT",
  // The host resolved to an address this upstream may not reach (guarded-lookup.ts).
  "ETOLLGATEFORBIDDEN",
  // A certificate that does not verify: this target cannot be reached safely, the next may.
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/** Classifies an undici error; `gotResponse` tells a lost connection mid-body from a refused one. */
export function classifyError(err: Error, gotResponse: boolean): AttemptFailure {
  const code = (err as NodeJS.ErrnoException).code ?? "";
  if (TIMEOUT_CODES.has(code)) return { kind: "timeout", detail: code };
  if (!gotResponse && CONNECT_CODES.has(code)) return { kind: "connect", detail: code };
  return { kind: "interrupted", detail: code || err.name };
}

/** An error that marks the whole-attempt deadline, so it classifies as a timeout. */
export function deadlineError(): Error {
  const err = new Error("attempt deadline exceeded") as NodeJS.ErrnoException;
  err.code = "TOLLGATE_ATTEMPT_DEADLINE";
  return err;
}

/** Seconds from a `retry-after` header (delta-seconds or HTTP date), if sane. */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) return undefined;
  const seconds = Number(v);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(v);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}
