/**
 * The gateway's in-process shared state: the tables every worker thread of one
 * gateway process reads and writes (quota counters, the usage ledger).
 *
 * Main thread:   const state = createSharedState();      // allocates the memory
 *                worker.postMessage({ sharedState: state.buffers });
 * Worker thread: const state = attachSharedState(msg.sharedState);
 * Then pass `state` to `startGateway({ sharedState: state, … })` in every thread.
 */
import { SPAN as LEDGER_SPAN } from "./ledger.js";
import { SharedTable, type SharedTableBuffers } from "./shared-table.js";

/** Sizes of the shared tables. */
export interface SharedStateOptions {
  /** Distinct quota counters (limit × scope value) one process can hold. Default 65,536. */
  readonly quotaCounters?: number;
  /** Distinct usage-ledger rows (consumer × model × provider). Default 16,384. */
  readonly ledgerRows?: number;
}

/** Structured-cloneable: what a worker needs to attach. */
export interface SharedStateBuffers {
  readonly quotas: SharedTableBuffers;
  readonly ledger: SharedTableBuffers;
}

export interface SharedState {
  readonly buffers: SharedStateBuffers;
  /** Quota counters: key `q|<quota>|<scope value>`, fields in quotas/local-store.ts. */
  readonly quotas: SharedTable;
  /** Usage ledger rows: fields in quotas/ledger.ts. */
  readonly ledger: SharedTable;
}

/** Fields per quota counter row (see quotas/local-store.ts). */
export const QUOTA_FIELDS = 2;
/** Fields per ledger row: four windows (see quotas/ledger.ts). */
export const LEDGER_FIELDS = 4 * LEDGER_SPAN;

export function createSharedState(opts: SharedStateOptions = {}): SharedState {
  const quotaCounters = opts.quotaCounters ?? 65_536;
  const ledgerRows = opts.ledgerRows ?? 16_384;
  const quotas = SharedTable.create({ slots: quotaCounters, fields: QUOTA_FIELDS, arenaChars: quotaCounters * 64 });
  const ledger = SharedTable.create({ slots: ledgerRows, fields: LEDGER_FIELDS, arenaChars: ledgerRows * 96 });
  return { buffers: { quotas: quotas.buffers, ledger: ledger.buffers }, quotas, ledger };
}

export function attachSharedState(buffers: SharedStateBuffers): SharedState {
  return { buffers, quotas: SharedTable.attach(buffers.quotas), ledger: SharedTable.attach(buffers.ledger) };
}
