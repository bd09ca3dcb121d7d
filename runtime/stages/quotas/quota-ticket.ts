/**
 * What admission reserved for one request, kept on its record until it finishes, so
 * that settling knows exactly what to correct: each counter (with its window), the
 * amount reserved on it, and the estimates it was based on.
 */
import type { CounterSpec, CounterStore } from "../../state/counters/counter-spec.js";
import type { LinkedQuota } from "./plan-quotas.js";

export interface ReservedCounter {
  readonly quota: LinkedQuota;
  readonly spec: CounterSpec;
  /** For `scope: provider`: the provider this counter is for (settled to 0 unless it served the request). */
  readonly provider: string | null;
  readonly store: CounterStore;
}

export class QuotaTicket {
  readonly counters: readonly ReservedCounter[];
  /** Prompt tokens admission used (estimated, or counted exactly). */
  readonly inputTokens: number;
  readonly inputExact: boolean;
  /** Output tokens reserved per quota (max_tokens or the quota's default). */
  readonly outputTokens: readonly number[];
  /** Seconds of audio admission reserved for (read from the upload, or estimated from its size). */
  readonly audioSeconds: number;
  /** Characters to speak. */
  readonly characters: number;
  settled = false;

  constructor(counters: readonly ReservedCounter[], inputTokens: number, inputExact: boolean, outputTokens: readonly number[], audioSeconds = 0, characters = 0) {
    this.counters = counters;
    this.inputTokens = inputTokens;
    this.inputExact = inputExact;
    this.outputTokens = outputTokens;
    this.audioSeconds = audioSeconds;
    this.characters = characters;
  }

  /** Gives back everything this ticket reserved (the request never ran: its client left, or another store refused it). */
  refund(now: number): void {
    refundCounters(this.counters, now);
  }
}

/** Gives back what `counters` reserved, one settle per store (never throws: a store that fails keeps the reservation until its window ends). */
export function refundCounters(counters: readonly ReservedCounter[], now: number): void {
  const byStore = new Map<CounterStore, CounterSpec[]>();
  for (const c of counters) (byStore.get(c.store) ?? byStore.set(c.store, []).get(c.store)!).push({ ...c.spec, amount: -c.spec.amount });
  for (const [store, specs] of byStore) void Promise.resolve(store.settle(now, specs)).catch(() => undefined);
}
