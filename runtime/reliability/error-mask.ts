/**
 * Error classes as bits, so a fallback condition or a retry condition is one integer
 * test on the failure path. Bit i is ERROR_CLASSES[i] (schemas/plan/constants.ts),
 * which is the plan's ERROR_CLASS_NAMES in the same order (checked by a test).
 */
import { ERROR_CLASSES, type ErrorClass } from "../../schemas/plan/constants.js";

const BIT = new Map<string, number>(ERROR_CLASSES.map((c, i) => [c, 1 << i]));

/** The bit of one class. */
export function classBit(cls: ErrorClass): number {
  return BIT.get(cls) ?? 0;
}

/** The mask of a list of class names from the plan. */
export function classMask(names: readonly string[]): number {
  let mask = 0;
  for (const n of names) mask |= BIT.get(n) ?? 0;
  return mask;
}

/**
 * After these classes the next candidate is tried when the plan says nothing: the
 * plan's DEFAULT_FALLBACK_ON (schemas/plan/error-class.ts; equality checked by a test).
 */
export const DEFAULT_FALLBACK_MASK = classMask(["rate_limited", "overloaded", "server", "timeout", "connect", "interrupted", "auth"]);

/** Classes that count against an endpoint's health: it failed, not the request or the key. */
export const ENDPOINT_FAILURE_MASK = classMask(["overloaded", "server", "timeout", "connect", "interrupted"]);
