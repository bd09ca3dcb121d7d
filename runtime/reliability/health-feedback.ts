/**
 * Feeds each attempt's outcome into the plan's health state: endpoint failures into the
 * upstream's breaker, 401/403 and 429 into the key ring. A key taken out is reported
 * (a warning naming the provider and the key's position, never the key).
 */
import type { ErrorClass } from "../../schemas/plan/constants.js";
import { log } from "../base/log.js";
import type { LinkedTarget } from "../plan/linked-plan.js";
import { classBit, ENDPOINT_FAILURE_MASK } from "./error-mask.js";
import type { HealthState } from "./linked-reliability.js";

/** Picks the key slot for an attempt on `target` (-1 when it has no keys); `skip`: keys this request already tried on it. */
export function pickKey(health: HealthState, target: LinkedTarget, skip: number, now: number): number {
  const range = target.upstream.reliability.keys;
  if (range.count === 0) return -1;
  if (range.count === 1) return range.first;
  return health.keys.pick(range, skip, now);
}

/** Whether the target's endpoint admits traffic now and has a key that is in (a few typed-array reads). */
export function targetAdmitted(health: HealthState, target: LinkedTarget, now: number): boolean {
  const r = target.upstream.reliability;
  return health.breakers.admits(r.slot, now) && (r.keys.count < 2 || !health.keys.allOut(r.keys, now));
}

/** An attempt on `target` with key slot `key` answered (the endpoint and the key work). */
export function attemptSucceeded(health: HealthState, target: LinkedTarget, key: number, now: number): void {
  health.breakers.success(target.upstream.reliability.slot, now);
  if (key >= 0) health.keys.succeeded(key);
}

/** An attempt failed with `cls`; updates the breaker or the key, and reports ejections. */
export function attemptFailed(health: HealthState, target: LinkedTarget, key: number, cls: ErrorClass, retryAfterMs: number | null, now: number): void {
  const up = target.upstream.reliability;
  if ((classBit(cls) & ENDPOINT_FAILURE_MASK) !== 0) {
    if (health.breakers.failure(up.slot, now)) {
      log("warn", "upstream ejected", { provider: target.upstream.name, cooldownMs: Math.round(health.breakers.remainingMs(up.slot, now)) });
    }
    return;
  }
  // Any answer, even an error, shows the endpoint is up.
  health.breakers.success(up.slot, now);
  if (key < 0) return;
  if (cls === "auth") {
    const ms = health.keys.authFailed(key, now, up.keyCooldownMs, up.maxCooldownMs);
    log("warn", "upstream API key rejected (401/403): taken out", { provider: target.upstream.name, key: key - up.keys.first + 1, of: up.keys.count, cooldownMs: ms });
  } else if (cls === "rate_limited") {
    health.keys.rateLimitedFor(key, now, retryAfterMs);
  } else {
    health.keys.succeeded(key);
  }
}

/** The error an attempt is aborted with when its first token is late (classified as a timeout). */
export function firstTokenTimeoutError(): Error {
  const err = new Error("first token timeout") as NodeJS.ErrnoException;
  err.code = "TOLLGATE_FIRST_TOKEN_TIMEOUT";
  return err;
}
