/**
 * The one attempt loop of every model call (chat completions, embeddings, audio): it
 * walks the model's compiled attempt order and decides, after each failure before the
 * commit point, what comes next, the same way for every endpoint:
 *
 * - the first target is the routed pick, or the next healthy candidate when its
 *   endpoint is ejected or all its keys are out;
 * - each attempt takes a concurrency slot of its upstream (`providers[].concurrency`),
 *   a key chosen by weight and health, and a time budget: the upstream's total timeout,
 *   capped by what is left of the model's deadline;
 * - every outcome feeds the plan's health state (circuit breakers, key ring) and the
 *   request record (attempts, retries); the AttemptPlanner decides after a failure:
 *   retry the target (after a backoff, or at once with another key), move to the next
 *   entry whose conditions (`fallbacks[].on`) name the failure's class, serve the
 *   degraded answer, or give up;
 * - a target whose adapter cannot serve the request is skipped (its refusal is the
 *   answer when no target was ever tried).
 *
 * What an attempt *is* belongs to the call (its driver): building the adapter's request
 * and sending it (one upstream call, or several for a translated relay), relaying what
 * comes back, and answering the client. The driver reports each attempt's end here.
 *
 * Requests that never fail allocate no planner: it is created on the first failure, or
 * at the start when the model has a deadline or a hedge.
 */
import type { ProviderError } from "../canonical/provider-error.js";
import type { LinkedModel, LinkedTarget } from "../plan/linked-plan.js";
import type { AttemptRecord, RequestRecord } from "../base/request-record.js";
import { AttemptPlanner } from "../reliability/attempt-planner.js";
import { DEFAULT_FALLBACK_MASK } from "../reliability/error-mask.js";
import { attemptFailed, attemptSucceeded, pickKey, targetAdmitted } from "../reliability/health-feedback.js";
import type { HealthState } from "../reliability/linked-reliability.js";
import { log } from "../base/log.js";
import { endRecord } from "./contender.js";
import { outcomeOf } from "./provider-failure.js";

/** A concurrency slot of an upstream, given back when the attempt holding it settles. */
export interface Slot {
  release(): void;
}

/** How the loop ends when no attempt is left. */
export type LoopEnd =
  /** Answer the client's error for this failure (or refusal). */
  | { readonly kind: "error"; readonly error: ProviderError }
  /** Serve the model's degraded answer. */
  | { readonly kind: "degraded" }
  /** Every target's concurrency limit refused the request. */
  | { readonly kind: "busy"; readonly upstream: string; readonly queueTimeoutMs: number }
  /** The gateway itself failed (an adapter threw). */
  | { readonly kind: "internal"; readonly error: unknown };

/** One attempt, ready to send: where, with which key, within which time. */
export interface AttemptSpec {
  readonly target: LinkedTarget;
  /** The key slot (runtime/reliability/key-ring.ts), -1 when the upstream has no keys. */
  readonly key: number;
  /** Milliseconds the attempt may take (total timeout capped by the deadline), at least 1. */
  readonly budgetMs: number;
  /** Its concurrency slot, or null when the upstream has no limit: hand it to the attempt. */
  readonly slot: Slot | null;
  /** A hedge racing the current attempt (chat only). */
  readonly rival: boolean;
}

/** What a call kind does for the loop. */
export interface AttemptDriver<Prepared> {
  /**
   * The request one attempt on `target` with key slot `key` sends, a promise of it (e.g.
   * signed, or waiting for a token), or a refusal: this target cannot serve the request
   * (or its credentials could not be had).
   */
  prepare(target: LinkedTarget, key: number): Prepared | Promise<Prepared | ProviderError> | ProviderError;
  /** Sends a prepared attempt (the loop counted it and noted it on the record). */
  send(prepared: Prepared, spec: AttemptSpec): void;
  /** Whether a rival may still join (uncommitted, before the first token); calls without hedges say false. */
  racing(): boolean;
  /** After the current attempt failed, before any decision: true when the call carries on without one (a racing hedge takes over). */
  takeOver(): boolean;
  /** No attempt left: answer the client. Called at most once. */
  conclude(end: LoopEnd): void;
}

function isRefusal(x: unknown): x is ProviderError {
  return typeof x === "object" && x !== null && "class" in x;
}

export class AttemptLoop<Prepared> {
  readonly #driver: AttemptDriver<Prepared>;
  readonly #model: LinkedModel;
  readonly #first: LinkedTarget;
  readonly #health: HealthState;
  readonly #record: RequestRecord;
  #planner: AttemptPlanner | null = null;
  /** Attempts sent so far (hedges included). */
  #attempts = 0;
  /** The current attempt: its target, key and record entry (null before the first). */
  #target: LinkedTarget | null = null;
  #key = -1;
  #rec: AttemptRecord | null = null;
  /** The last failure, answered when the targets left all refuse the request. */
  #lastError: ProviderError | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor(driver: AttemptDriver<Prepared>, model: LinkedModel, first: LinkedTarget, health: HealthState, record: RequestRecord) {
    this.#driver = driver;
    this.#model = model;
    this.#first = first;
    this.#health = health;
    this.#record = record;
  }

  /** Attempts sent so far (the `x-tollgate-attempts` header). */
  get attempts(): number {
    return this.#attempts;
  }

  /** The current attempt's target and key slot. */
  get target(): LinkedTarget | null {
    return this.#target;
  }

  get key(): number {
    return this.#key;
  }

  /** The last attempt's failure, or null when none failed. */
  get lastError(): ProviderError | null {
    return this.#lastError;
  }

  /** Starts with the first target (or the next healthy one when its endpoint is ejected). */
  start(): void {
    const rel = this.#model.reliability;
    let first = this.#first;
    const now = performance.now();
    const admitted = targetAdmitted(this.#health, first, now);
    if ((rel !== null && (rel.deadlineMs > 0 || rel.hedgeDelayMs > 0)) || !admitted) {
      const planner = this.#plannerOf();
      if (!admitted) first = planner.nextCandidate(DEFAULT_FALLBACK_MASK, now) ?? first;
    }
    this.tryTarget(first);
  }

  /** The loop is over (answered, or the client left): nothing more starts. */
  close(): void {
    this.#closed = true;
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Milliseconds left before the model's deadline (Infinity without one). */
  remainingMs(now: number): number {
    return this.#planner === null ? Infinity : this.#planner.remainingMs(now);
  }

  /** The next candidate for a hedge (any default-condition class), within the attempt budget; null when none. */
  hedgeTarget(): LinkedTarget | null {
    const planner = this.#plannerOf();
    const rel = this.#model.reliability;
    if (rel !== null && planner.attempts >= rel.maxAttempts) return null;
    return planner.nextCandidate(DEFAULT_FALLBACK_MASK, performance.now());
  }

  /** Tries `target`: its concurrency slot, then the driver's request, then the send. */
  tryTarget(target: LinkedTarget, rival = false): void {
    const limiter = target.upstream.limiter;
    if (limiter === null) {
      this.#prepare(target, rival, null);
      return;
    }
    limiter.acquire((refusal) => {
      if (refusal !== null) return rival ? undefined : this.#busy(target, limiter.settings.queueTimeoutMs);
      if (this.#closed) return limiter.release();
      this.#prepare(target, rival, limiter);
    });
  }

  /** The current attempt answered: its endpoint and key work. */
  succeeded(): void {
    if (this.#target !== null) attemptSucceeded(this.#health, this.#target, this.#key, performance.now());
  }

  /** An attempt failed where no decision follows (after the commit point, or a losing hedge): health feedback only. */
  noteFailure(target: LinkedTarget, key: number, error: ProviderError): void {
    attemptFailed(this.#health, target, key, error.class, error.retryAfterMs, performance.now());
  }

  /**
   * The current attempt failed before the commit point: its record entry ends, health
   * learns of it, and (unless a hedge takes over) the planner decides what comes next.
   */
  failed(error: ProviderError): void {
    if (this.#closed || this.#target === null) return;
    const now = performance.now();
    if (this.#rec !== null) endRecord(this.#rec, outcomeOf(error), error.class);
    attemptFailed(this.#health, this.#target, this.#key, error.class, error.retryAfterMs, now);
    this.#lastError = error;
    if (this.#driver.takeOver()) return;
    const decision = this.#plannerOf().decide(error.class, error.retryAfterMs, now);
    switch (decision.action) {
      case "retry": {
        (this.#record.retried ??= []).push(error.class);
        const target = decision.target;
        if (decision.delayMs === 0) return this.tryTarget(target);
        this.#retryTimer = setTimeout(() => {
          this.#retryTimer = null;
          if (!this.#closed) this.tryTarget(target);
        }, decision.delayMs);
        return;
      }
      case "next":
        return this.tryTarget(decision.target);
      case "degraded":
        return this.#conclude({ kind: "degraded" });
      default:
        return this.#conclude({ kind: "error", error });
    }
  }

  /** A hedge on `target` (key `key`, record entry `rec`) won its race: it is the current attempt now. */
  promote(target: LinkedTarget, key: number, rec: AttemptRecord | null): void {
    this.#target = target;
    this.#key = key;
    this.#rec = rec;
    this.#planner?.switchTo(target, key);
  }

  /** The gateway failed to prepare an attempt (an adapter threw): logged, and answered unless the call is over. */
  internal(err: unknown): void {
    log("error", "adapter failed inside the gateway", { requestId: this.#record.requestId, error: err instanceof Error ? err.stack : String(err) });
    this.#conclude({ kind: "internal", error: err });
  }

  #conclude(end: LoopEnd): void {
    if (this.#closed) return;
    this.close();
    this.#driver.conclude(end);
  }

  /** The planner, created on first use; a late one learns the attempts already made. */
  #plannerOf(): AttemptPlanner {
    if (this.#planner !== null) return this.#planner;
    const planner = new AttemptPlanner(this.#model, this.#first, this.#health, performance.now());
    if (this.#target !== null) {
      planner.started(this.#target, this.#key);
      planner.attempts = this.#attempts;
    }
    return (this.#planner = planner);
  }

  /** The target's concurrency limit refused the request: the next target, else every limit is full. */
  #busy(target: LinkedTarget, queueTimeoutMs: number): void {
    if (this.#closed) return;
    const next = this.#plannerOf().nextCandidate(-1, performance.now());
    if (next !== null) return this.tryTarget(next);
    this.#conclude({ kind: "busy", upstream: target.upstream.name, queueTimeoutMs });
  }

  #prepare(target: LinkedTarget, rival: boolean, slot: Slot | null): void {
    const planner = this.#planner;
    const key = pickKey(this.#health, target, planner !== null && planner.current === target ? planner.keySkip : 0, performance.now());
    let prepared: Prepared | Promise<Prepared | ProviderError> | ProviderError;
    try {
      prepared = this.#driver.prepare(target, key);
    } catch (err) {
      slot?.release();
      return this.internal(err);
    }
    if (!(prepared instanceof Promise)) return this.#send(target, key, prepared, rival, slot);
    prepared.then(
      (p) => this.#send(target, key, p, rival, slot),
      (err: unknown) => {
        slot?.release();
        this.internal(err);
      },
    );
  }

  #send(target: LinkedTarget, key: number, prepared: Prepared | ProviderError, rival: boolean, slot: Slot | null): void {
    const refused = isRefusal(prepared);
    // A slot no attempt takes goes back at once.
    if (slot !== null && (this.#closed || refused || (rival && !this.#driver.racing()))) {
      slot.release();
      slot = null;
    }
    if (this.#closed || (rival && (refused || !this.#driver.racing()))) return;
    if (refused) {
      // This target cannot serve the request (e.g. no tools): another one may.
      const next = this.#plannerOf().nextCandidate(-1, performance.now());
      if (next !== null) return this.tryTarget(next);
      return this.#conclude({ kind: "error", error: this.#lastError ?? prepared });
    }
    const upstream = target.upstream;
    const now = performance.now();
    this.#attempts++;
    const planner = this.#planner;
    if (rival) planner!.attempts++;
    else {
      planner?.started(target, key);
      this.#target = target;
      this.#key = key;
    }
    this.#health.breakers.attemptStarted(upstream.reliability.slot, now);
    this.#record.attemptStarted(target);
    if (!rival) this.#rec = this.#record.lastAttempt;
    const budgetMs = Math.max(1, Math.min(upstream.timeouts.totalMs, this.remainingMs(now)));
    this.#driver.send(prepared, { target, key, budgetMs, slot, rival });
  }
}
