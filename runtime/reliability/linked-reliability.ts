/**
 * The reliability part of a linked plan: per model, the attempt order's fallback
 * conditions as bit masks and the retry/budget/deadline/hedge/degraded settings; per
 * plan, the health state (breakers per upstream, key ring over every upstream's keys).
 * Built once at link time; nothing here is parsed per request.
 */
import type { PlanDegraded, PlanReliability } from "../../schemas/plan/reliability.js";
import type { BreakerTable } from "./circuit-breaker.js";
import type { KeyRange, KeyRing } from "./key-ring.js";
import { classMask } from "./error-mask.js";

/** A model's retry, budget, deadline, hedge and degraded settings, linked. */
export interface LinkedReliability {
  readonly retries: number;
  readonly retryMask: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly maxRetryAfterMs: number;
  readonly maxAttempts: number;
  /** 0 when the model has no deadline. */
  readonly deadlineMs: number;
  /** 0 when the model does not hedge. */
  readonly hedgeDelayMs: number;
  readonly degraded: LinkedDegraded | null;
}

/** The degraded answer, with its response bodies prepared once. */
export interface LinkedDegraded {
  readonly status: number;
  readonly message: string;
  readonly mask: number;
}

/** Health state shared by every request on one plan. */
export interface HealthState {
  readonly breakers: BreakerTable;
  readonly keys: KeyRing;
  /** keyRanges[slot]: the key slots of upstream `slot`. */
  readonly keyRanges: readonly KeyRange[];
}

/** Per-upstream reliability facts, linked. */
export interface UpstreamReliability {
  /** Index of the upstream in the plan: its breaker slot. */
  readonly slot: number;
  /** Its API key slots in the key ring. */
  readonly keys: KeyRange;
  /** 401/403 cool-down of its keys, and the ceiling of growing cool-downs. */
  readonly keyCooldownMs: number;
  readonly maxCooldownMs: number;
  /** `timeouts.firstTokenMs`, or 0 when not set. */
  readonly firstTokenMs: number;
}

/** Links a model's reliability settings (null: none configured). */
export function linkReliability(r: PlanReliability | undefined): LinkedReliability | null {
  if (r === undefined) return null;
  return {
    retries: r.retries,
    retryMask: classMask(r.retryOn),
    backoffBaseMs: r.backoffBaseMs,
    backoffMaxMs: r.backoffMaxMs,
    maxRetryAfterMs: r.maxRetryAfterMs,
    maxAttempts: r.maxAttempts,
    deadlineMs: r.deadlineMs ?? 0,
    hedgeDelayMs: r.hedgeDelayMs ?? 0,
    degraded: r.degraded === null ? null : linkDegraded(r.degraded),
  };
}

function linkDegraded(d: PlanDegraded): LinkedDegraded {
  return { status: d.status, message: d.message, mask: classMask(d.on) };
}
