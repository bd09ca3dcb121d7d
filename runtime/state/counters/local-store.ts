/**
 * The embedded counter store: quota counters in the process's shared table, so every
 * worker thread of the gateway admits against the same numbers. One lock around the
 * whole admission makes it all-or-nothing across several counters and exact across
 * threads. Row fields: 0 = window start (fixed) or last refill time (bucket),
 * 1 = used (fixed) or level (bucket).
 */
import type { SharedTable } from "../shared-table.js";
import { StoreUnavailable, type AdmitOutcome, type CounterSpec, type CounterStore } from "./counter-spec.js";

const WINDOW = 0;
const VALUE = 1;

/**
 * Whether `amount` does not fit in `available`. A request that reserves nothing (a
 * transcription on a token quota: its tokens are known only after) still needs some
 * room: an exhausted counter refuses it. The Redis script applies the same rule.
 */
export function exceeds(amount: number, available: number): boolean {
  return amount > available || (amount === 0 && available <= 0);
}

export class LocalCounterStore implements CounterStore {
  readonly name = "local";
  readonly #table: SharedTable;

  constructor(table: SharedTable) {
    this.#table = table;
  }

  admit(now: number, specs: readonly CounterSpec[]): AdmitOutcome {
    const table = this.#table;
    const n = specs.length;
    const slots = new Array<number>(n);
    const remaining = new Array<number>(n);
    const resetMs = new Array<number>(n);
    table.mutex.lock();
    try {
      let refused = -1;
      let retryMs = 0;
      for (let i = 0; i < n; i++) {
        const spec = specs[i]!;
        const slot = table.slotOf(spec.key, true);
        if (slot < 0) throw new StoreUnavailable("the shared quota table is full");
        slots[i] = slot;
        const available = availableNow(table, slot, spec, now);
        if (refused < 0 && exceeds(spec.amount, available)) {
          refused = i;
          retryMs = spec.bucket ? (spec.amount > spec.capacity ? spec.windowEnd - spec.window : (spec.amount - available) / spec.ratePerMs) : spec.windowEnd - now;
        }
        remaining[i] = available;
        resetMs[i] = spec.bucket ? (spec.capacity - available) / spec.ratePerMs : spec.windowEnd - now;
      }
      if (refused >= 0) return { refused, remaining, resetMs, retryMs };
      for (let i = 0; i < n; i++) {
        const spec = specs[i]!;
        const slot = slots[i]!;
        if (spec.bucket) {
          table.set(slot, WINDOW, now);
          table.set(slot, VALUE, remaining[i]! - spec.amount);
          resetMs[i] = (spec.capacity - remaining[i]! + spec.amount) / spec.ratePerMs;
        } else {
          table.set(slot, VALUE, spec.capacity - remaining[i]! + spec.amount);
          table.set(slot, WINDOW, spec.window);
        }
        remaining[i] = remaining[i]! - spec.amount;
      }
      return { refused: -1, remaining, resetMs, retryMs: 0 };
    } finally {
      table.mutex.unlock();
    }
  }

  settle(now: number, specs: readonly CounterSpec[]): void {
    const table = this.#table;
    table.mutex.lock();
    try {
      for (const spec of specs) {
        if (spec.amount === 0) continue;
        const slot = table.slotOf(spec.key, true);
        if (slot < 0) continue;
        if (spec.bucket) {
          const level = Math.min(spec.capacity, availableNow(table, slot, spec, now) - spec.amount);
          table.set(slot, WINDOW, now);
          table.set(slot, VALUE, level);
          continue;
        }
        const window = table.get(slot, WINDOW);
        const target = spec.nowWindow ?? spec.window;
        if (target === spec.window && window === spec.window) {
          // Still the admission's window: refund or charge it.
          table.set(slot, VALUE, Math.max(0, table.get(slot, VALUE) + spec.amount));
        } else if (spec.amount > 0) {
          // The admission's window has ended (or its row was reused): usage beyond the reservation is charged to the current one.
          if (window < target) {
            table.set(slot, WINDOW, target);
            table.set(slot, VALUE, 0);
          }
          table.set(slot, VALUE, table.get(slot, VALUE) + spec.amount);
        }
        // A refund to a window that has ended is dropped: that window is over.
      }
    } finally {
      table.mutex.unlock();
    }
  }

  read(_now: number, prefix: string): Promise<{ key: string; window: number; value: number }[]> {
    const rows = this.#table.mutex.with(() => this.#table.scan(prefix));
    return Promise.resolve(rows.map((r) => ({ key: r.key, window: r.values[WINDOW]!, value: r.values[VALUE]! })));
  }
}

/** What the counter can still admit now: capacity minus the window's use, or the refilled bucket level. */
function availableNow(table: SharedTable, slot: number, spec: CounterSpec, now: number): number {
  const window = table.get(slot, WINDOW);
  const value = table.get(slot, VALUE);
  if (spec.bucket) {
    // A new row (window 0) refills to full.
    return Math.min(spec.capacity, value + Math.max(0, now - window) * spec.ratePerMs);
  }
  return window < spec.window ? spec.capacity : spec.capacity - value;
}
