/**
 * How long to wait before retrying the same target: exponential backoff with full
 * jitter (a uniform draw up to the ceiling; "Exponential Backoff And Jitter", AWS
 * Architecture Blog, 2015), unless the upstream said `retry-after`, which is honoured
 * exactly when it is within the policy's ceiling.
 */

/** Backoff settings of one model (from the plan's `reliability`). */
export interface BackoffSettings {
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly maxRetryAfterMs: number;
}

/**
 * The delay before retry number `retry` (1 for the first), or -1 when the upstream asks
 * for a longer wait than the policy allows (then moving on is better than waiting).
 */
export function retryDelayMs(s: BackoffSettings, retry: number, retryAfterMs: number | null, random: number): number {
  if (retryAfterMs !== null) return retryAfterMs > s.maxRetryAfterMs ? -1 : retryAfterMs;
  const ceiling = Math.min(s.backoffMaxMs, s.backoffBaseMs * 2 ** (retry - 1));
  return Math.floor(random * ceiling);
}
