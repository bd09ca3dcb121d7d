/**
 * What a store is asked to do with one counter: the same description for the
 * in-process store and for Redis, so both implement exactly the same arithmetic.
 *
 * A fixed-window counter holds `used` for the window starting at `window`; when a
 * request arrives in a later window the counter starts again from 0. A bucket holds
 * the `level` available at time `window` and refills at `ratePerMs` up to `capacity`.
 */

export interface CounterSpec {
  /** Store key, e.g. `q|team-a-daily|team-a`. */
  readonly key: string;
  readonly bucket: boolean;
  /** The limit (fixed) or the bucket's capacity. */
  readonly capacity: number;
  /** Fixed: the current window's start (ms). */
  readonly window: number;
  /** Fixed: the current window's end (ms), for key expiry and reset headers. */
  readonly windowEnd: number;
  /** Bucket: refill per ms. */
  readonly ratePerMs: number;
  /** Amount to reserve (admit) or to add (settle; negative refunds). */
  readonly amount: number;
  /** Settle only, fixed windows: the window current at settle time, where extra usage goes when the admission's window has ended. */
  readonly nowWindow?: number;
  /** Settle only, fixed windows: its end. */
  readonly nowWindowEnd?: number;
}

/** The result of an all-or-nothing admission over several counters. */
export interface AdmitOutcome {
  /** -1 when every counter admitted; else the index of the first one that refused (nothing was reserved). */
  readonly refused: number;
  /** Per counter: what remains after this admission (or, when refused, what remains now). */
  readonly remaining: readonly number[];
  /** Per counter: ms until the counter is back to full (fixed: the window end; bucket: refill time). */
  readonly resetMs: readonly number[];
  /** Per counter when refused: ms until the refused amount fits (for `retry-after`). */
  readonly retryMs: number;
}

/**
 * A counter store. `admit` checks every counter and reserves on all of them or none (a
 * counter refuses an amount larger than what is available, and a zero amount when
 * nothing is available);
 * `settle` adds adjustments (it never refuses). A store that cannot answer throws
 * `StoreUnavailable`.
 */
export interface CounterStore {
  readonly name: "local" | "redis";
  admit(now: number, specs: readonly CounterSpec[]): AdmitOutcome | Promise<AdmitOutcome>;
  /** `spec.window` is the admission's window: a refund to a window that has ended is dropped; extra usage goes to the current one. */
  settle(now: number, specs: readonly CounterSpec[]): void | Promise<void>;
  /** Current `used` (fixed) or `level` (bucket) of counters whose key starts with `prefix`, for the admin side. */
  read(now: number, prefix: string): Promise<{ key: string; window: number; value: number }[]>;
}

export class StoreUnavailable extends Error {}
