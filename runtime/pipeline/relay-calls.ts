/**
 * The upstream calls of one translated relay attempt (RelayTranslation.calls), to one
 * target: sent at most WINDOW at a time (a 2,048-input batch split into one call per
 * input must not burst the provider's rate limits), their bodies joined in order. The
 * first failure aborts the calls still in flight and fails the whole attempt, so the
 * relay can move to the next target as for a single call.
 */
import type { RelayUpstreamCall } from "../adapters/adapter.js";
import type { LinkedTarget } from "../plan/linked-plan.js";
import type { AttemptFailure } from "../upstream/attempt-failure.js";
import { UpstreamAttempt, type AttemptOwner } from "../upstream/upstream-attempt.js";
import type { Slot } from "./attempt-loop.js";

/** Calls in flight at once per request. */
const WINDOW = 8;

const SIBLING_FAILED = new Error("another call of this request failed");

/** Receives the outcome of a set of calls. */
export interface RelayCallsOwner {
  readonly clientGone: boolean;
  /** Every call answered 2xx: their bodies, in call order. */
  onCallsDone(calls: RelayCalls, bodies: readonly Buffer[]): void;
  /** A call failed (the others were aborted): the failed call (its status headers) and why. */
  onCallsFailed(calls: RelayCalls, failed: UpstreamAttempt, failure: AttemptFailure): void;
}

export class RelayCalls implements AttemptOwner {
  readonly streaming = false;
  #owner: RelayCallsOwner;
  #target: LinkedTarget;
  #calls: readonly RelayUpstreamCall[];
  #headers: (call: RelayUpstreamCall) => string[] | Promise<string[]>;
  #budgetMs: number;
  /** The attempt's concurrency slot (one for all its calls), given back when the calls end. */
  #slot: Slot | null;
  #bodies: Buffer[];
  #inFlight = new Map<UpstreamAttempt, number>();
  #next = 0;
  #answered = 0;
  #over = false;

  /**
   * `headers` builds each call's headers (content type, request id, the key's auth or
   * the call's signature); each call may take `budgetMs` (the attempt's time budget).
   */
  constructor(
    owner: RelayCallsOwner,
    target: LinkedTarget,
    calls: readonly RelayUpstreamCall[],
    headers: (call: RelayUpstreamCall) => string[] | Promise<string[]>,
    budgetMs: number,
    slot: Slot | null,
  ) {
    this.#owner = owner;
    this.#target = target;
    this.#calls = calls;
    this.#headers = headers;
    this.#budgetMs = budgetMs;
    this.#slot = slot;
    this.#bodies = new Array<Buffer>(calls.length);
  }

  get clientGone(): boolean {
    return this.#owner.clientGone;
  }

  start(): void {
    while (!this.#over && this.#next < this.#calls.length && this.#inFlight.size < WINDOW) this.#send(this.#next++);
  }

  /** Aborts every call in flight; nothing more is reported. */
  abort(reason: Error): void {
    if (this.#over) return;
    this.#end();
    for (const attempt of [...this.#inFlight.keys()]) attempt.abort(reason);
    this.#inFlight.clear();
  }

  #send(index: number): void {
    const call = this.#calls[index]!;
    const upstream = this.#target.upstream;
    const attempt = new UpstreamAttempt(this, this.#budgetMs);
    this.#inFlight.set(attempt, index);
    const headers = this.#headers(call);
    if (Array.isArray(headers)) {
      upstream.pool.dispatch({ method: "POST", path: call.path, headers, body: call.body }, attempt);
      return;
    }
    // Signed calls (SigV4): sent once signed, unless the attempt ended meanwhile.
    headers.then(
      (signed) => {
        if (!this.#over && this.#inFlight.has(attempt)) upstream.pool.dispatch({ method: "POST", path: call.path, headers: signed, body: call.body }, attempt);
      },
      (err: unknown) => {
        if (!this.#over && this.#inFlight.has(attempt)) this.onFailure(attempt, { kind: "connect", detail: `signing failed: ${err instanceof Error ? err.message : String(err)}` });
      },
    );
  }

  /** Implements {@link AttemptOwner.onStreamChunk}: never called (answers are collected). */
  onStreamChunk(): void {}

  /** Implements {@link AttemptOwner.onSuccess}. */
  onSuccess(attempt: UpstreamAttempt, body: Buffer | null): void {
    const index = this.#inFlight.get(attempt);
    if (this.#over || index === undefined) return;
    this.#inFlight.delete(attempt);
    this.#bodies[index] = body ?? Buffer.alloc(0);
    if (++this.#answered === this.#calls.length) {
      this.#end();
      this.#owner.onCallsDone(this, this.#bodies);
      return;
    }
    this.start();
  }

  /** Implements {@link AttemptOwner.onFailure}. */
  onFailure(attempt: UpstreamAttempt, failure: AttemptFailure): void {
    if (this.#over || !this.#inFlight.has(attempt)) return;
    this.#inFlight.delete(attempt);
    this.abort(SIBLING_FAILED);
    this.#owner.onCallsFailed(this, attempt, failure);
  }

  #end(): void {
    this.#over = true;
    const slot = this.#slot;
    this.#slot = null;
    slot?.release();
  }
}
