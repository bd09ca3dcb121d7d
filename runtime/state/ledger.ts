/**
 * The usage ledger: per (consumer, team, public model, provider), requests, tokens by
 * kind, seconds of audio transcribed, characters spoken and cost, for the current hour, day (UTC), calendar month and since the
 * process started. Rows live in the process's shared table, so every worker thread
 * adds to the same numbers and the admin endpoint reads them all.
 *
 * Row fields: four windows (hour, day, month, total) of SPAN fields each.
 */
import type { SharedTable } from "./shared-table.js";
import { windowStart } from "../base/windows.js";

export const LEDGER_WINDOWS = ["hour", "day", "month", "total"] as const;
export type LedgerWindow = (typeof LEDGER_WINDOWS)[number];

export const SPAN = 9;
const START = 0;
const REQUESTS = 1;
const INPUT = 2;
const CACHED = 3;
const OUTPUT = 4;
const REASONING = 5;
const COST = 6;
const AUDIO_SECONDS = 7;
const CHARACTERS = 8;

export interface LedgerEntry {
  readonly inputTokens: number;
  readonly cachedInputTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
  readonly costUsd: number;
  readonly audioSeconds?: number;
  readonly characters?: number;
}

export interface LedgerFigures {
  windowStart: string | null;
  requests: number;
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  costUsd: number;
  audioSeconds: number;
  characters: number;
}

export interface LedgerRow {
  consumer: string;
  team: string | null;
  model: string;
  provider: string | null;
  hour: LedgerFigures;
  day: LedgerFigures;
  month: LedgerFigures;
  total: LedgerFigures;
}

export class UsageLedger {
  readonly #table: SharedTable;

  constructor(table: SharedTable) {
    this.#table = table;
  }

  add(now: number, consumer: string, team: string | null, model: string, provider: string | null, e: LedgerEntry): boolean {
    const key = `${consumer}\u0000${team ?? ""}\u0000${model}\u0000${provider ?? ""}`;
    const starts = [windowStart("hour", now), windowStart("day", now), windowStart("month", now), 0];
    const t = this.#table;
    t.mutex.lock();
    try {
      const slot = t.slotOf(key, true);
      if (slot < 0) return false;
      for (let w = 0; w < 4; w++) {
        const base = w * SPAN;
        if (t.get(slot, base + START) !== starts[w]) {
          // A new window: start its figures again.
          for (let f = 1; f < SPAN; f++) t.set(slot, base + f, 0);
          t.set(slot, base + START, starts[w]!);
        }
        t.set(slot, base + REQUESTS, t.get(slot, base + REQUESTS) + 1);
        t.set(slot, base + INPUT, t.get(slot, base + INPUT) + e.inputTokens);
        t.set(slot, base + CACHED, t.get(slot, base + CACHED) + e.cachedInputTokens);
        t.set(slot, base + OUTPUT, t.get(slot, base + OUTPUT) + e.outputTokens);
        t.set(slot, base + REASONING, t.get(slot, base + REASONING) + e.reasoningTokens);
        t.set(slot, base + COST, t.get(slot, base + COST) + e.costUsd);
        if (e.audioSeconds) t.set(slot, base + AUDIO_SECONDS, t.get(slot, base + AUDIO_SECONDS) + e.audioSeconds);
        if (e.characters) t.set(slot, base + CHARACTERS, t.get(slot, base + CHARACTERS) + e.characters);
      }
      return true;
    } finally {
      t.mutex.unlock();
    }
  }

  /** Every row, with windows that have ended reported as empty. */
  rows(now: number): LedgerRow[] {
    const starts = [windowStart("hour", now), windowStart("day", now), windowStart("month", now), 0];
    const raw = this.#table.mutex.with(() => this.#table.scan(""));
    return raw.map(({ key, values }) => {
      const [consumer = "", team = "", model = "", provider = ""] = key.split("\u0000");
      const figures = (w: number): LedgerFigures => {
        const base = w * SPAN;
        const current = values[base + START] === starts[w];
        const v = (f: number): number => (current ? values[base + f]! : 0);
        return {
          windowStart: w === 3 ? null : new Date(starts[w]!).toISOString(),
          requests: v(REQUESTS),
          inputTokens: v(INPUT),
          cachedInputTokens: v(CACHED),
          outputTokens: v(OUTPUT),
          reasoningTokens: v(REASONING),
          costUsd: round6(v(COST)),
          audioSeconds: round6(v(AUDIO_SECONDS)),
          characters: v(CHARACTERS),
        };
      };
      return {
        consumer,
        team: team === "" ? null : team,
        model,
        provider: provider === "" ? null : provider,
        hour: figures(0),
        day: figures(1),
        month: figures(2),
        total: figures(3),
      };
    });
  }
}

export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
