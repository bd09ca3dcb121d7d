/**
 * Plan parts of the reliability settings: a provider's circuit breaker and probe, and a
 * model's retries, attempt budget, deadline, hedging and degraded answer. Absent from
 * the plan when the policy does not configure them, so the runtime does no work for
 * them then (see runtime/reliability/).
 */
import { z } from "zod";
import { ErrorClassName } from "./error-class.js";

const ms = z.number().int().positive();

/** Circuit breaker and key ejection of one upstream. */
export const PlanHealth = z.strictObject({
  /** Failed attempts in a row that open the breaker. */
  consecutiveFailures: z.number().int().positive(),
  /** Error-rate trigger over a sliding window, or null. */
  errorRate: z
    .strictObject({
      /** Share of failed attempts (0–1] that opens the breaker. */
      threshold: z.number().gt(0).max(1),
      windowMs: ms,
      /** Fewest attempts in the window before the rate counts. */
      minRequests: z.number().int().positive(),
    })
    .nullable(),
  /** Cool-down of the first ejection; doubled on each repeated ejection. */
  cooldownMs: ms,
  /** Ceiling of the growing cool-down (breaker and keys). */
  maxCooldownMs: ms,
  /** Cool-down of an API key answered with 401/403 (doubling on repeats). */
  keyCooldownMs: ms,
  /** Active probe, or null. */
  probe: z
    .strictObject({
      intervalMs: ms,
      timeoutMs: ms,
      /** Absolute path on the upstream's origin, probed with GET. */
      path: z.string(),
    })
    .nullable(),
});

/** The degraded last-resort answer of a model. */
export const PlanDegraded = z.strictObject({
  /** 200: an assistant message; 4xx/5xx: an OpenAI error. */
  status: z.number().int(),
  message: z.string(),
  /** Failure classes of the last attempt that lead to this answer. */
  on: z.array(ErrorClassName),
});

/** A model's retry, budget, deadline, hedging and degraded answer. */
export const PlanReliability = z.strictObject({
  /** Retries of the same target before moving on. */
  retries: z.number().int().min(0),
  /** Classes retried on the same target. */
  retryOn: z.array(ErrorClassName),
  /** Backoff ceiling of the first retry (full jitter), doubled per retry up to `backoffMaxMs`. */
  backoffBaseMs: ms,
  backoffMaxMs: ms,
  /** A retry-after up to this is waited for; longer moves on. */
  maxRetryAfterMs: ms,
  /** Most upstream attempts per request (retries, key rotations, fallbacks and hedges). */
  maxAttempts: z.number().int().positive(),
  /** Total deadline of a request across attempts, or null. */
  deadlineMs: ms.nullable(),
  /** Hedge delay: without a first token by then, the next candidate races; null for none. */
  hedgeDelayMs: ms.nullable(),
  degraded: PlanDegraded.nullable(),
});

export type PlanHealth = z.infer<typeof PlanHealth>;
export type PlanReliability = z.infer<typeof PlanReliability>;
export type PlanDegraded = z.infer<typeof PlanDegraded>;
