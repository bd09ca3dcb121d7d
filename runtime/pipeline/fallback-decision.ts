/**
 * Whether a failed attempt may move on to the next target in the compiled attempt
 * order. The ONE place this is decided, from the failure's class (never a raw status):
 * a plan-driven policy (per-class conditions compiled from the policy) replaces this
 * function without touching ChatCall.
 *
 * Retryable: the failure is about this target (its limits, health, credentials or the
 * network), so another target may succeed. Not retryable: the request itself is at
 * fault (bad, too long, filtered), so every target would refuse it the same way.
 */
import type { ProviderError } from "../adapters/adapter.js";
import type { ErrorClass } from "../adapters/error-class.js";
import type { LinkedModel } from "../plan/linked-plan.js";

const RETRYABLE: Readonly<Record<ErrorClass, boolean>> = {
  rate_limited: true,
  overloaded: true,
  server: true,
  timeout: true,
  connect: true,
  interrupted: true,
  auth: true,
  bad_request: false,
  context_too_long: false,
  content_filtered: false,
};

/** True when the next target may be tried after `error` on a request for `model`. */
export function mayTryNextTarget(error: ProviderError, _model: LinkedModel): boolean {
  return RETRYABLE[error.class];
}
