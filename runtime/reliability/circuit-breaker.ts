/**
 * Passive health of upstream endpoints: one circuit breaker per upstream slot
 * (closed → open for a cool-down → half-open, one trial request → closed or open again).
 *
 * A breaker opens after `consecutiveFailures` failed attempts in a row, or when the share
 * of failures over a sliding window (ten buckets) reaches `errorRate.threshold` with at
 * least `minRequests` attempts. Each ejection lasts `cooldownMs × 2^(n-1)` up to
 * `maxCooldownMs`, n counting the ejections since the endpoint last stayed healthy for
 * `maxCooldownMs` (Envoy's outlier detection does the same with its ejection multiplier).
 *
 * All state is in typed arrays indexed by slot, so the table can later live in a
 * SharedArrayBuffer seen by every worker thread (pass `buffer`); it uses no objects
 * per slot and allocates nothing per request.
 */

/** Breaker settings of one upstream (the plan's `health` minus keys and probe). */
export interface BreakerSettings {
  readonly consecutiveFailures: number;
  readonly errorRate: { readonly threshold: number; readonly windowMs: number; readonly minRequests: number } | null;
  readonly cooldownMs: number;
  readonly maxCooldownMs: number;
}

export const CLOSED = 0;
export const OPEN = 1;
export const HALF_OPEN = 2;

/** Buckets of the error-rate window. */
const BUCKETS = 10;

/** Bytes of typed-array state per slot (see the constructor). */
export const BREAKER_BYTES_PER_SLOT = 8 * (2 + BUCKETS) + 4 * (3 + 2 * BUCKETS) + 2;

export class BreakerTable {
  readonly #settings: readonly (BreakerSettings | null)[];
  /** CLOSED | OPEN | HALF_OPEN. */
  readonly state: Uint8Array;
  /** 1 while the half-open trial request runs. */
  readonly #trial: Uint8Array;
  readonly #inRow: Uint32Array;
  /** Ejections counted for the growing cool-down. */
  readonly #streak: Uint32Array;
  /** Ejections since start, for metrics. */
  readonly ejections: Uint32Array;
  readonly #openUntil: Float64Array;
  readonly #lastEjection: Float64Array;
  readonly #ok: Uint32Array;
  readonly #fail: Uint32Array;
  readonly #bucketAt: Float64Array;

  constructor(settings: readonly (BreakerSettings | null)[], buffer?: ArrayBufferLike) {
    const n = settings.length;
    this.#settings = settings;
    const buf = buffer ?? new ArrayBuffer(Math.max(8, n * BREAKER_BYTES_PER_SLOT));
    let offset = 0;
    const f64 = (count: number): Float64Array => {
      const a = new Float64Array(buf, offset, count);
      offset += count * 8;
      return a;
    };
    const u32 = (count: number): Uint32Array => {
      const a = new Uint32Array(buf, offset, count);
      offset += count * 4;
      return a;
    };
    this.#openUntil = f64(n);
    this.#lastEjection = f64(n);
    this.#bucketAt = f64(n * BUCKETS);
    this.#inRow = u32(n);
    this.#streak = u32(n);
    this.ejections = u32(n);
    this.#ok = u32(n * BUCKETS);
    this.#fail = u32(n * BUCKETS);
    this.state = new Uint8Array(buf, offset, n);
    this.#trial = new Uint8Array(buf, offset + n, n);
  }

  /** Whether the slot has a breaker at all (the upstream has `health`). */
  tracked(slot: number): boolean {
    return this.#settings[slot] !== null && this.#settings[slot] !== undefined;
  }

  /**
   * Whether a request may be sent to the slot now: closed, or open with its cool-down
   * over and no trial running yet. Pure: the filter hook of target selection.
   */
  admits(slot: number, now: number): boolean {
    const s = this.state[slot];
    if (s === CLOSED || s === undefined) return true;
    if (s === HALF_OPEN) return this.#trial[slot] === 0;
    return now >= this.#openUntil[slot]!;
  }

  /** An attempt is being sent to the slot: an open breaker past its cool-down becomes half-open with this as its trial. */
  attemptStarted(slot: number, now: number): void {
    const s = this.state[slot];
    if ((s === OPEN && now >= this.#openUntil[slot]!) || s === HALF_OPEN) {
      this.state[slot] = HALF_OPEN;
      this.#trial[slot] = 1;
    }
  }

  /** The slot answered (the endpoint works, whatever the request's own fate). */
  success(slot: number, now: number): void {
    if (!this.tracked(slot)) return;
    this.#inRow[slot] = 0;
    this.#count(slot, now, true);
    if (this.state[slot] !== CLOSED) {
      this.state[slot] = CLOSED;
      this.#trial[slot] = 0;
    }
  }

  /** The slot failed as an endpoint (5xx, overload, timeout, connect, cut). Returns true when this opened the breaker. */
  failure(slot: number, now: number): boolean {
    const settings = this.#settings[slot];
    if (settings === null || settings === undefined) return false;
    this.#count(slot, now, false);
    if (this.state[slot] === HALF_OPEN) return this.#eject(slot, settings, now);
    if (this.state[slot] === OPEN) return false;
    const inRow = ++this.#inRow[slot]!;
    if (inRow >= settings.consecutiveFailures || this.#rateTripped(slot, settings, now)) return this.#eject(slot, settings, now);
    return false;
  }

  /** Milliseconds until the slot's cool-down ends (0 when it admits traffic). */
  remainingMs(slot: number, now: number): number {
    return this.state[slot] === OPEN ? Math.max(0, this.#openUntil[slot]! - now) : 0;
  }

  #eject(slot: number, s: BreakerSettings, now: number): boolean {
    // The streak restarts when the endpoint stayed healthy for a whole maximum cool-down.
    if (this.#streak[slot]! > 0 && now - this.#lastEjection[slot]! > s.maxCooldownMs + this.#cooldown(slot, s)) this.#streak[slot] = 0;
    this.#streak[slot]!++;
    this.ejections[slot]!++;
    this.state[slot] = OPEN;
    this.#trial[slot] = 0;
    this.#inRow[slot] = 0;
    this.#openUntil[slot] = now + this.#cooldown(slot, s);
    this.#lastEjection[slot] = now;
    // A fresh window after the cool-down: old failures must not re-open it at once.
    this.#ok.fill(0, slot * BUCKETS, slot * BUCKETS + BUCKETS);
    this.#fail.fill(0, slot * BUCKETS, slot * BUCKETS + BUCKETS);
    return true;
  }

  /**
   * Takes over the state of `fromSlot` in `from` (a plan reload: the same endpoint keeps
   * its breaker, its cool-down streak, its error window and its ejection count).
   */
  adopt(slot: number, from: BreakerTable, fromSlot: number): void {
    this.state[slot] = from.state[fromSlot]!;
    this.#trial[slot] = from.#trial[fromSlot]!;
    this.#inRow[slot] = from.#inRow[fromSlot]!;
    this.#streak[slot] = from.#streak[fromSlot]!;
    this.ejections[slot] = from.ejections[fromSlot]!;
    this.#openUntil[slot] = from.#openUntil[fromSlot]!;
    this.#lastEjection[slot] = from.#lastEjection[fromSlot]!;
    const to = slot * BUCKETS;
    const at = fromSlot * BUCKETS;
    this.#bucketAt.set(from.#bucketAt.subarray(at, at + BUCKETS), to);
    this.#ok.set(from.#ok.subarray(at, at + BUCKETS), to);
    this.#fail.set(from.#fail.subarray(at, at + BUCKETS), to);
  }

  #cooldown(slot: number, s: BreakerSettings): number {
    const n = Math.max(1, this.#streak[slot]!);
    return Math.min(s.maxCooldownMs, s.cooldownMs * 2 ** (n - 1));
  }

  #count(slot: number, now: number, ok: boolean): void {
    const rate = this.#settings[slot]?.errorRate;
    if (rate === null || rate === undefined) return;
    const width = rate.windowMs / BUCKETS;
    const epoch = Math.floor(now / width);
    const i = slot * BUCKETS + (epoch % BUCKETS);
    if (this.#bucketAt[i] !== epoch) {
      this.#bucketAt[i] = epoch;
      this.#ok[i] = 0;
      this.#fail[i] = 0;
    }
    if (ok) this.#ok[i]!++;
    else this.#fail[i]!++;
  }

  #rateTripped(slot: number, s: BreakerSettings, now: number): boolean {
    const rate = s.errorRate;
    if (rate === null) return false;
    const epoch = Math.floor(now / (rate.windowMs / BUCKETS));
    let ok = 0;
    let fail = 0;
    for (let b = 0; b < BUCKETS; b++) {
      const i = slot * BUCKETS + b;
      if (epoch - this.#bucketAt[i]! >= BUCKETS) continue;
      ok += this.#ok[i]!;
      fail += this.#fail[i]!;
    }
    const total = ok + fail;
    return total >= rate.minRequests && fail / total >= rate.threshold;
  }
}
