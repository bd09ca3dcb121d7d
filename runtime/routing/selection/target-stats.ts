/**
 * Live feedback per target for the load- and latency-aware scorers: requests in
 * flight, and exponentially weighted moving averages of time to first byte and of
 * total latency. Updated from the request record at each attempt's start and end
 * (runtime/base/request-record.ts), so the pipeline needs no extra calls.
 * Allocated at link time only for targets whose model has a selection program.
 */

/** Per-target load and latency; one instance per linked target. */
export class TargetStats {
  /** Attempts started and not yet ended. */
  inflight = 0;
  /** EWMA of milliseconds to the first response byte (streams) or the whole body; -1 before the first sample. */
  ttftMs = -1;
  /** EWMA of the whole attempt, in milliseconds; -1 before the first sample. */
  totalMs = -1;
  /** Latency samples taken. */
  samples = 0;
  readonly #alpha: number;

  /** `alpha`: the EWMA weight of a new sample (the plan's `ewmaAlpha`). */
  constructor(alpha: number) {
    this.#alpha = alpha;
  }

  get alpha(): number {
    return this.#alpha;
  }

  /** Takes over the averages learnt under a previous plan (not its in-flight count: those requests end there). */
  adopt(from: TargetStats): void {
    this.ttftMs = from.ttftMs;
    this.totalMs = from.totalMs;
    this.samples = from.samples;
  }

  started(): void {
    this.inflight++;
  }

  /** An attempt ended without a latency sample (aborted, client gone, fast failure). */
  released(): void {
    if (this.inflight > 0) this.inflight--;
  }

  /** An attempt ended with a latency sample. */
  ended(ttftMs: number, totalMs: number): void {
    this.released();
    const a = this.#alpha;
    this.ttftMs = this.ttftMs < 0 ? ttftMs : this.ttftMs + a * (ttftMs - this.ttftMs);
    this.totalMs = this.totalMs < 0 ? totalMs : this.totalMs + a * (totalMs - this.totalMs);
    this.samples++;
  }
}
