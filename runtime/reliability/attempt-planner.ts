/**
 * What to do after a failed attempt, given the model's compiled attempt order and
 * reliability settings, the failure's class, and the health state:
 *
 *   retry  the same target (after a backoff or retry-after; or at once with another
 *          API key when the key was rate limited),
 *   next   move to target X (the next entry of the order whose conditions name the
 *          class and whose endpoint is not ejected),
 *   degraded  serve the policy's degraded answer,
 *   fail   give up (the caller answers with the last failure).
 *
 * Bounded by the attempt budget and the deadline. When every remaining candidate is
 * ejected, the first of them is tried anyway ("panic" in Envoy's words): health
 * checking must never make things worse than no health checking.
 *
 * One planner per request, created on the first failure (or at start when the model
 * hedges or has a deadline); requests that never fail never allocate one.
 */
import type { ErrorClass } from "../../schemas/plan/constants.js";
import type { LinkedModel, LinkedTarget } from "../plan/linked-plan.js";
import { retryDelayMs } from "./backoff.js";
import { classBit, DEFAULT_FALLBACK_MASK } from "./error-mask.js";
import type { HealthState } from "./linked-reliability.js";

export type Decision =
  | { readonly action: "retry"; readonly target: LinkedTarget; readonly delayMs: number; readonly rotateKey: boolean }
  | { readonly action: "next"; readonly target: LinkedTarget }
  | { readonly action: "degraded" }
  | { readonly action: "fail"; readonly reason: "exhausted" | "budget" | "deadline" | "not-retryable" };

export class AttemptPlanner {
  readonly #model: LinkedModel;
  readonly #health: HealthState;
  readonly startedAt: number;
  /** The target of the latest attempt. */
  current: LinkedTarget;
  /** The first target (picked by weight), skipped when the order reaches it. */
  readonly #first: LinkedTarget;
  /** Attempts started so far (the caller counts them through `started`). */
  attempts = 0;
  /** Retries made on the current target. */
  #retries = 0;
  /** Next entry of the attempt order to consider. */
  #cursor = 0;
  /** Keys of the current target tried by this request (bit i: its i-th key). */
  keySkip = 0;

  constructor(model: LinkedModel, first: LinkedTarget, health: HealthState, startedAt: number) {
    this.#model = model;
    this.#health = health;
    this.#first = first;
    this.current = first;
    this.startedAt = startedAt;
  }

  /** Records that an attempt on `target` with key slot `key` (-1: none) starts. */
  started(target: LinkedTarget, key: number): void {
    if (target !== this.current) {
      this.current = target;
      this.#retries = 0;
      this.keySkip = 0;
    }
    this.attempts++;
    if (key >= 0) {
      const i = key - target.upstream.reliability.keys.first;
      if (i < 31) this.keySkip |= 1 << i;
    }
  }

  /** The hedge attempt on `target` (already counted) won the race: it is the current target now. */
  switchTo(target: LinkedTarget, key: number): void {
    this.current = target;
    this.#retries = 0;
    this.keySkip = 0;
    const i = key - target.upstream.reliability.keys.first;
    if (key >= 0 && i < 31) this.keySkip |= 1 << i;
  }

  /** Milliseconds left before the deadline (Infinity without one). */
  remainingMs(now: number): number {
    const deadline = this.#model.reliability?.deadlineMs ?? 0;
    return deadline === 0 ? Infinity : this.startedAt + deadline - now;
  }

  /** The decision after the current attempt failed with `cls`. */
  decide(cls: ErrorClass, retryAfterMs: number | null, now: number, random: number = Math.random()): Decision {
    const rel = this.#model.reliability;
    const bit = classBit(cls);
    const terminal = (reason: "exhausted" | "budget" | "deadline" | "not-retryable"): Decision =>
      rel?.degraded !== null && rel?.degraded !== undefined && (rel.degraded.mask & bit) !== 0 ? { action: "degraded" } : { action: "fail", reason };
    if (rel !== null && this.attempts >= rel.maxAttempts) return terminal("budget");
    const left = this.remainingMs(now);
    if (left <= 0) return terminal("deadline");

    const target = this.current;
    const up = target.upstream.reliability;
    // A rate-limited or rejected key: the same target at once with another key, each key once.
    if ((cls === "rate_limited" || cls === "auth") && up.keys.count > 1 && this.#health.keys.hasUsable(up.keys, this.keySkip, now)) {
      return { action: "retry", target, delayMs: 0, rotateKey: true };
    }
    if (rel !== null && this.#retries < rel.retries && (rel.retryMask & bit) !== 0) {
      const delay = retryDelayMs(rel, this.#retries + 1, retryAfterMs, random);
      if (delay >= 0 && delay < left) {
        this.#retries++;
        return { action: "retry", target, delayMs: delay, rotateKey: false };
      }
    }
    const next = this.nextCandidate(bit, now);
    if (next !== null) return { action: "next", target: next };
    return terminal(this.#anyEntryFor(bit) ? "exhausted" : "not-retryable");
  }

  /**
   * The next untried entry of the order that may be tried after a failure with class
   * bit `bit` (for a hedge: any default-condition failure), preferring healthy ones.
   * Advances past it.
   */
  nextCandidate(bit: number, now: number): LinkedTarget | null {
    const order = this.#model.fallbacks;
    const masks = this.#model.fallbackMasks;
    let panic = -1;
    for (let i = this.#cursor; i < order.length; i++) {
      const t = order[i]!;
      if (t === this.#first || t === this.current) continue;
      if (((masks === null ? DEFAULT_FALLBACK_MASK : masks[i]!) & bit) === 0) continue;
      if (!this.admits(t, now)) {
        if (panic < 0) panic = i;
        continue;
      }
      this.#cursor = i + 1;
      return t;
    }
    if (panic < 0) return null;
    this.#cursor = panic + 1;
    return order[panic]!;
  }

  /** Whether the target's endpoint admits traffic and has a key that is in. */
  admits(t: LinkedTarget, now: number): boolean {
    const r = t.upstream.reliability;
    return this.#health.breakers.admits(r.slot, now) && !this.#health.keys.allOut(r.keys, now);
  }

  #anyEntryFor(bit: number): boolean {
    const masks = this.#model.fallbackMasks;
    if (masks === null) return (DEFAULT_FALLBACK_MASK & bit) !== 0;
    for (let i = 0; i < masks.length; i++) if ((masks[i]! & bit) !== 0) return true;
    return false;
  }
}
