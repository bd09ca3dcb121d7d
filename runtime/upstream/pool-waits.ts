/**
 * Waiting for a connection of an upstream's pool. undici queues a request silently when
 * all `connections` of a pool are busy; left alone, 1,000 streams on 128 connections
 * wait tens of seconds with nothing in the metrics. Here every attempt dispatched on a
 * pool is counted from dispatch until undici puts it on a connection (`onConnect`):
 *
 *   - the number waiting now (a gauge, per provider),
 *   - how long each waited (a histogram, per provider),
 *   - a bound (`timeouts.connectionWait`): an attempt still waiting past it fails as
 *     `overloaded` (code POOL_SATURATED), so fallback may take another target and the
 *     client otherwise gets a 503 `upstream_pool_saturated`.
 *
 * Per request this costs one array push and pop and two counter updates, and the queue
 * holds only attempts still waiting (a connected one is dropped at once, so finished
 * requests are never kept alive by it). The bound is checked by one timer per pool
 * that runs only while something waits (so a retired pool's stops by itself): attempts enter in dispatch order, so a sweep
 * looks at the oldest few and stops.
 */
import { CounterSeries, HistogramSeries, LightCounter, LightHistogram } from "../base/light-metrics.js";

/** The ProviderError code of an attempt that waited past the bound; the client's answer is `upstream-pool-saturated`. */
export const POOL_SATURATED = "pool_saturated";

/** Wait buckets (s): sub-millisecond (a free connection) up to a minute (the silent queue this replaces). */
const WAIT_BUCKETS = [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** How long each attempt waited for a connection, per provider (per thread; summed across workers). */
export const poolWaitSeconds = new LightHistogram(
  "tollgate_upstream_pool_wait_seconds",
  "Time an upstream attempt waited for a connection of the provider's pool (from dispatch to a connection).",
  ["gen_ai_provider_name"],
  WAIT_BUCKETS,
);

/** Attempts that waited past `timeouts.connectionWait`, per provider. */
export const poolWaitTimeouts = new LightCounter(
  "tollgate_upstream_pool_wait_timeouts_total",
  "Upstream attempts that waited past the provider's `timeouts.connectionWait` for a connection and failed as overloaded.",
  ["gen_ai_provider_name"],
);

/** What an attempt exposes to the queue: when it started waiting, and how to fail it. */
export interface Waiter {
  /** `performance.now()` at dispatch; -1 once it left the queue (on a connection, or settled). */
  waitingSince: number;
  /** Its index in the pool's queue while waiting. */
  queueIndex: number;
  /** Fails the attempt as overloaded after `waitedMs`. */
  waitedTooLong(waitedMs: number): void;
}

export class PoolWaits {
  readonly name: string;
  readonly boundMs: number;
  /** Waiting attempts in dispatch order; a hole (null) where one left out of order. */
  #queue: (Waiter | null)[] = [];
  #head = 0;
  #waiting = 0;
  #timer: NodeJS.Timeout | null = null;
  readonly #waits: HistogramSeries;
  readonly #timeouts: CounterSeries;

  constructor(name: string, boundMs: number) {
    this.name = name;
    this.boundMs = boundMs;
    this.#waits = poolWaitSeconds.labels(name);
    this.#timeouts = poolWaitTimeouts.labels(name);
  }

  /** Attempts dispatched on this pool and not yet on a connection. */
  get waiting(): number {
    return this.#waiting;
  }

  /** An attempt was dispatched: it waits until `left`. */
  enter(waiter: Waiter): void {
    waiter.waitingSince = performance.now();
    waiter.queueIndex = this.#queue.length;
    this.#waiting++;
    this.#queue.push(waiter);
    if (this.#timer === null) this.#arm();
  }

  /** The attempt left the queue: on a connection (`connected`, its wait is observed) or settled before one. */
  left(waiter: Waiter, connected: boolean): void {
    if (waiter.waitingSince < 0) return;
    if (connected) this.#waits.observe((performance.now() - waiter.waitingSince) / 1000);
    waiter.waitingSince = -1;
    this.#waiting--;
    const queue = this.#queue;
    queue[waiter.queueIndex] = null;
    while (this.#head < queue.length && queue[this.#head] === null) this.#head++;
    if (this.#head === queue.length) {
      queue.length = 0;
      this.#head = 0;
    }
  }

  /** Checks the bound at a quarter of it (so a wait overshoots it by ≤ 25%), at most every 5 ms. */
  #arm(): void {
    this.#timer = setTimeout(() => this.#sweep(), Math.max(5, this.boundMs / 4));
    this.#timer.unref();
  }

  #sweep(): void {
    this.#timer = null;
    const now = performance.now();
    for (;;) {
      const w = this.#queue[this.#head];
      if (w == null) break;
      const waited = now - w.waitingSince;
      if (waited < this.boundMs) break;
      this.left(w, false);
      this.#timeouts.inc();
      w.waitedTooLong(waited);
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) this.#compact();
    if (this.#waiting > 0) this.#arm();
  }

  /** Drops the empty head of the queue (amortized: only once it is most of the array). */
  #compact(): void {
    const rest = this.#queue.slice(this.#head);
    rest.forEach((w, i) => {
      if (w !== null) w.queueIndex = i;
    });
    this.#queue = rest;
    this.#head = 0;
  }
}
