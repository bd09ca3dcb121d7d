/**
 * The per-upstream limit on concurrent requests (`providers[].concurrency`), exact
 * across worker threads: the in-flight count lives in a SharedArrayBuffer handed to
 * every worker (see workers/shared-state-handoff.ts) and changes only by
 * compare-and-swap, so N workers never admit more than `max` together. A request that
 * finds no free slot waits in this thread's bounded FIFO queue; any thread's release
 * wakes the waiters (Atomics.waitAsync on a release counter). A request that cannot
 * queue, or waits past `queueTimeout`, is refused (and may fall back to another target).
 *
 * The buffer is named after the upstream and its limit, so a reload that keeps both
 * keeps counting the requests already in flight on the old plan.
 */
import type { PlanConcurrency } from "../../schemas/plan/operations.js";
import { sharedState } from "../state/shared-state-handoff.js";

/** Int32 slots of the shared buffer. */
const INFLIGHT = 0;
const RELEASES = 1;
/** Longest single wait between checks (a lost wake-up costs at most this). */
const WAIT_SLICE_MS = 50;

/** Counters per upstream name, kept across plans for the metrics (per thread; summed by the main thread). */
export const limiterCounters = new Map<string, { waited: number; rejected: number }>();

/** Atomics.waitAsync (ES2024; in Node since 16), typed here because the project's lib is ES2023. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(a: Int32Array, index: number, value: number, timeout: number): { async: false; value: string } | { async: true; value: Promise<string> };
  }
).waitAsync;

/** Why a request got no slot. */
export type SlotRefusal = "queue-full" | "queue-timeout";

interface Waiter {
  grant: (refusal: SlotRefusal | null) => void;
  deadline: number;
}

export class ConcurrencyLimiter {
  readonly name: string;
  readonly settings: PlanConcurrency;
  readonly #cells: Int32Array;
  #queue: Waiter[] = [];
  #waiting = false;
  readonly #counters: { waited: number; rejected: number };

  constructor(upstreamName: string, settings: PlanConcurrency) {
    this.name = upstreamName;
    this.settings = settings;
    this.#cells = new Int32Array(sharedState.provide(`concurrency:${upstreamName}:${settings.max}`, 8));
    let counters = limiterCounters.get(upstreamName);
    if (counters === undefined) {
      counters = { waited: 0, rejected: 0 };
      limiterCounters.set(upstreamName, counters);
    }
    this.#counters = counters;
  }

  /** Requests in flight on this upstream, across all threads. */
  get inflight(): number {
    return Atomics.load(this.#cells, INFLIGHT);
  }

  /** Requests waiting in this thread. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Takes a slot if one is free now. */
  tryAcquire(): boolean {
    const cells = this.#cells;
    const max = this.settings.max;
    for (;;) {
      const current = Atomics.load(cells, INFLIGHT);
      if (current >= max) return false;
      if (Atomics.compareExchange(cells, INFLIGHT, current, current + 1) === current) return true;
    }
  }

  /**
   * Takes a slot now or after a wait; `grant(null)` once it holds one, or
   * `grant(refusal)` when it gets none. Calls `grant` synchronously when a slot is free.
   */
  acquire(grant: (refusal: SlotRefusal | null) => void): void {
    if (this.#queue.length === 0 && this.tryAcquire()) {
      grant(null);
      return;
    }
    if (this.#queue.length >= this.settings.queue) {
      this.#counters.rejected++;
      grant("queue-full");
      return;
    }
    this.#counters.waited++;
    this.#queue.push({ grant, deadline: Date.now() + this.settings.queueTimeoutMs });
    this.#wait();
  }

  /** Gives a slot back and wakes waiters in every thread. */
  release(): void {
    Atomics.sub(this.#cells, INFLIGHT, 1);
    Atomics.add(this.#cells, RELEASES, 1);
    Atomics.notify(this.#cells, RELEASES);
    this.#serve();
  }

  /** Hands free slots to local waiters in order; refuses the ones past their deadline. */
  #serve(): void {
    const now = Date.now();
    while (this.#queue.length > 0) {
      const head = this.#queue[0]!;
      if (head.deadline <= now) {
        this.#queue.shift();
        this.#counters.rejected++;
        head.grant("queue-timeout");
        continue;
      }
      if (!this.tryAcquire()) break;
      this.#queue.shift();
      head.grant(null);
    }
  }

  /** Waits (without blocking the thread) for a release anywhere, then serves the queue; loops while anyone waits. */
  #wait(): void {
    if (this.#waiting || this.#queue.length === 0) return;
    this.#waiting = true;
    const seen = Atomics.load(this.#cells, RELEASES);
    const soonest = this.#queue[0]!.deadline - Date.now();
    const slice = Math.max(1, Math.min(WAIT_SLICE_MS, soonest));
    const result = waitAsync(this.#cells, RELEASES, seen, slice);
    const next = (): void => {
      this.#waiting = false;
      this.#serve();
      this.#wait();
    };
    if (result.async) void result.value.then(next);
    else queueMicrotask(next);
  }
}
