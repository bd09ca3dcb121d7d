/**
 * The main thread's rolling window of live statistics: one StatsDelta per second for
 * the last `retainMs`, fed by every thread's collector. The dashboard reads series and
 * summaries from it; the alert rules read summaries over their own windows.
 */
import { addDelta, emptyDelta, quantileMs, type StatsDelta } from "./stats-delta.js";

/** A summary of a time span. */
export interface StatsSummary {
  windowMs: number;
  requests: number;
  failures: number;
  /** Successful share of requests (1 when there were none). */
  successRate: number;
  requestsPerSecond: number;
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  ttftMs: { p50: number | null; p95: number | null; p99: number | null };
  spendUsd: number;
  /** USD per hour at the rate of the span. */
  spendPerHourUsd: number;
  delta: StatsDelta;
}

const SLOT_MS = 1000;

export class StatsWindow {
  readonly retainMs: number;
  /** Second (epoch ms / 1000, floored) → merged delta. */
  #slots = new Map<number, StatsDelta>();
  /** When the window started receiving (spans never reach further back). */
  readonly startedAt: number;
  readonly #now: () => number;

  constructor(retainMs: number, now: () => number = Date.now) {
    this.retainMs = retainMs;
    this.#now = now;
    this.startedAt = now();
  }

  /** Adds a thread's delta to the current second. */
  add(delta: StatsDelta): void {
    const second = Math.floor(this.#now() / SLOT_MS);
    let slot = this.#slots.get(second);
    if (slot === undefined) {
      slot = emptyDelta();
      this.#slots.set(second, slot);
      this.#evict(second);
    }
    addDelta(slot, delta);
  }

  /** Totals over the last `windowMs`. */
  summary(windowMs: number): StatsSummary {
    const now = this.#now();
    const from = Math.floor((now - windowMs) / SLOT_MS);
    const total = emptyDelta();
    for (const [second, slot] of this.#slots) if (second > from) addDelta(total, slot);
    const spanMs = Math.max(SLOT_MS, Math.min(windowMs, now - this.startedAt));
    return {
      windowMs,
      requests: total.requests,
      failures: total.failures,
      successRate: total.requests === 0 ? 1 : (total.requests - total.failures) / total.requests,
      requestsPerSecond: total.requests / (spanMs / 1000),
      latencyMs: { p50: quantileMs(total.latency, 0.5), p95: quantileMs(total.latency, 0.95), p99: quantileMs(total.latency, 0.99) },
      ttftMs: { p50: quantileMs(total.ttft, 0.5), p95: quantileMs(total.ttft, 0.95), p99: quantileMs(total.ttft, 0.99) },
      spendUsd: total.spendUsd,
      spendPerHourUsd: total.spendUsd / (spanMs / 3_600_000),
      delta: total,
    };
  }

  /** Per-second points of the last `windowMs` (oldest first), for charts. */
  series(windowMs: number): { t: number; requests: number; failures: number; p50: number | null; p95: number | null; ttftP50: number | null }[] {
    const last = Math.floor(this.#now() / SLOT_MS) - 1;
    // Never before the window started: a fresh gateway's chart is not mostly empty history.
    const first = Math.min(last, Math.max(last - Math.floor(windowMs / SLOT_MS) + 1, Math.floor(this.startedAt / SLOT_MS)));
    const out = [];
    for (let s = first; s <= last; s++) {
      const slot = this.#slots.get(s);
      out.push({
        t: s * SLOT_MS,
        requests: slot?.requests ?? 0,
        failures: slot?.failures ?? 0,
        p50: slot === undefined ? null : quantileMs(slot.latency, 0.5),
        p95: slot === undefined ? null : quantileMs(slot.latency, 0.95),
        ttftP50: slot === undefined ? null : quantileMs(slot.ttft, 0.5),
      });
    }
    return out;
  }

  #evict(current: number): void {
    const oldest = current - Math.ceil(this.retainMs / SLOT_MS);
    for (const second of this.#slots.keys()) if (second < oldest) this.#slots.delete(second);
  }
}
