/**
 * The fleet's usage ledger in Redis (`stores.redis`): every replica adds each settled
 * request to hourly, daily and monthly figures per (consumer, team, public model,
 * provider, tags), so every replica's `/admin/usage`, the dashboard and `tollgate
 * usage` read the same numbers.
 *
 * Layout: one hash per bucket, `{<prefix>:l:<YYYY-MM>}:h:<YYYY-MM-DDTHH>`,
 * `…:d:<YYYY-MM-DD>` and `…:m`, fields `<row>\x1f<figure>`. The keys of one month share
 * a hash tag, so the script that adds a batch touches one Redis Cluster slot. Buckets
 * expire after their retention (hours, days, months).
 *
 * Exactly once: each writer (one per thread and start) numbers its records; the
 * script applies a record only when its number is above the writer's last applied
 * one (kept in `…:seq`), so a batch that timed out after Redis applied it, and is
 * then replayed from the spool, counts once. A writer therefore sends in order, and
 * queues behind anything spooled (outbox.ts).
 */
import { randomUUID } from "node:crypto";
import { threadId } from "node:worker_threads";
import { parseTagsKey, tagsKey, type UsageRecord } from "../base/usage-record.js";
import type { SharedRedis } from "./shared-redis.js";

/** A record as the ledger queues and spools it: numbered by its writer. */
export interface LedgerEnvelope {
  readonly origin: string;
  readonly seq: number;
  readonly r: UsageRecord;
}

export interface LedgerRetention {
  readonly hours: number;
  readonly days: number;
  readonly months: number;
}

/** The figures kept per row, in field order. */
export const LEDGER_FIGURES = ["requests", "inputTokens", "cachedInputTokens", "outputTokens", "reasoningTokens", "costUsd", "audioSeconds", "characters", "estimated"] as const;
export type LedgerFigure = (typeof LEDGER_FIGURES)[number];
const SHORT: Readonly<Record<LedgerFigure, string>> = {
  requests: "n",
  inputTokens: "i",
  cachedInputTokens: "c",
  outputTokens: "o",
  reasoningTokens: "r",
  costUsd: "usd",
  audioSeconds: "as",
  characters: "ch",
  estimated: "est",
};
const BY_SHORT = new Map(Object.entries(SHORT).map(([k, v]) => [v, k as LedgerFigure]));

/** The dimensions of a ledger row. */
export interface LedgerDimensions {
  readonly consumer: string;
  readonly team: string | null;
  readonly model: string;
  readonly provider: string | null;
  readonly tags: Readonly<Record<string, string>>;
}

export type LedgerTotals = Record<LedgerFigure, number>;

export interface FleetLedgerRow extends LedgerDimensions {
  readonly figures: LedgerTotals;
}

const ROW_SEP = "\u001e";
const FIELD_SEP = "\u001f";

// KEYS: the seq hash, then per record its hour, day and month keys. ARGV: origin, count, then
// per record: seq, expire-at of the hour, day and month keys, the field count, fields and values.
const ADD = `
local origin = ARGV[1]
local last = tonumber(redis.call('HGET', KEYS[1], origin) or '0')
local a = 3
local applied = 0
local seqExpire = '0'
for r = 1, tonumber(ARGV[2]) do
  local seq = tonumber(ARGV[a])
  local n = tonumber(ARGV[a + 4])
  local kh = KEYS[2 + (r - 1) * 3]
  local kd = KEYS[3 + (r - 1) * 3]
  local km = KEYS[4 + (r - 1) * 3]
  if seq > last then
    for f = 1, n do
      local field = ARGV[a + 3 + 2 * f]
      local value = ARGV[a + 4 + 2 * f]
      redis.call('HINCRBYFLOAT', kh, field, value)
      redis.call('HINCRBYFLOAT', kd, field, value)
      redis.call('HINCRBYFLOAT', km, field, value)
    end
    redis.call('PEXPIREAT', kh, ARGV[a + 1])
    redis.call('PEXPIREAT', kd, ARGV[a + 2])
    redis.call('PEXPIREAT', km, ARGV[a + 3])
    last = seq
    applied = applied + 1
  end
  seqExpire = ARGV[a + 3]
  a = a + 5 + 2 * n
end
redis.call('HSET', KEYS[1], origin, tostring(last))
redis.call('PEXPIREAT', KEYS[1], seqExpire)
return applied
`;

export class FleetLedger {
  readonly redis: SharedRedis;
  readonly retention: LedgerRetention;
  /** This writer's name: a new one per thread and start, so numbering never collides. */
  readonly origin = `${randomUUID()}-${threadId}`;
  #seq = 0;

  constructor(redis: SharedRedis, retention: LedgerRetention) {
    this.redis = redis;
    this.retention = retention;
  }

  /** Numbers a record for this writer. */
  envelope(r: UsageRecord): LedgerEnvelope {
    return { origin: this.origin, seq: ++this.#seq, r };
  }

  #tag(month: string): string {
    return `{${this.redis.prefix}:l:${month}}`;
  }

  /** Applies envelopes (any writers', in each writer's order); rejects when Redis does not answer. */
  async write(batch: readonly LedgerEnvelope[]): Promise<void> {
    // One script per (writer, month): its keys share one slot, and the writer's numbering is checked in one place.
    const groups = new Map<string, LedgerEnvelope[]>();
    for (const e of batch) {
      const id = `${e.origin}\u0000${monthOf(e.r.time)}`;
      (groups.get(id) ?? groups.set(id, []).get(id)!).push(e);
    }
    for (const group of groups.values()) {
      const first = group[0]!;
      const tag = this.#tag(monthOf(first.r.time));
      const keys = [`${tag}:seq`];
      const args = [first.origin, String(group.length)];
      for (const e of group) {
        const t = e.r.time;
        keys.push(`${tag}:h:${hourOf(t)}`, `${tag}:d:${dayOf(t)}`, `${tag}:m`);
        const fields = figuresOf(e.r);
        args.push(
          String(e.seq),
          String(hourStart(t) + this.retention.hours * 3_600_000),
          String(dayStart(t) + this.retention.days * 86_400_000),
          String(monthEnd(t, this.retention.months)),
        );
        args.push(String(fields.length / 2), ...fields);
      }
      await this.redis.script(ADD, keys, args, Math.max(this.redis.timeoutMs, 5000));
    }
  }

  /**
   * The rows of the buckets covering [since, until): hourly buckets for spans up to 48
   * hours, daily ones beyond (so `since` is rounded down to the hour or the day).
   */
  async read(since: number, until: number): Promise<FleetLedgerRow[]> {
    const hourly = until - since <= 48 * 3_600_000;
    const keys: string[] = [];
    for (let t = hourly ? hourStart(since) : dayStart(since); t < until; t += hourly ? 3_600_000 : 86_400_000) {
      keys.push(`${this.#tag(monthOf(t))}:${hourly ? `h:${hourOf(t)}` : `d:${dayOf(t)}`}`);
    }
    return this.#sum(keys);
  }

  /** The rows of one calendar month (the month containing `t`). */
  async month(t: number): Promise<FleetLedgerRow[]> {
    return this.#sum([`${this.#tag(monthOf(t))}:m`]);
  }

  /** The rows of each day in [since, until), by day start. */
  async days(since: number, until: number): Promise<Map<number, FleetLedgerRow[]>> {
    const out = new Map<number, FleetLedgerRow[]>();
    for (let t = dayStart(since); t < until; t += 86_400_000) out.set(t, await this.#sum([`${this.#tag(monthOf(t))}:d:${dayOf(t)}`]));
    return out;
  }

  async #sum(keys: readonly string[]): Promise<FleetLedgerRow[]> {
    const rows = new Map<string, LedgerTotals>();
    for (const key of keys) {
      const flat = (await this.redis.send(key, ["HGETALL", key], Math.max(this.redis.timeoutMs, 5000))) as string[] | Record<string, string>;
      const entries = Array.isArray(flat) ? pairs(flat) : Object.entries(flat);
      for (const [field, value] of entries) {
        const cut = field.lastIndexOf(FIELD_SEP);
        const figure = BY_SHORT.get(field.slice(cut + 1));
        if (figure === undefined) continue;
        const row = field.slice(0, cut);
        let totals = rows.get(row);
        if (totals === undefined) rows.set(row, (totals = emptyTotals()));
        totals[figure] += Number(value);
      }
    }
    return [...rows].map(([row, figures]) => {
      const [consumer = "", team = "", model = "", provider = "", tags = ""] = row.split(ROW_SEP);
      return { consumer, team: team === "" ? null : team, model, provider: provider === "" ? null : provider, tags: parseTagsKey(tags), figures };
    });
  }
}

export function emptyTotals(): LedgerTotals {
  return { requests: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, reasoningTokens: 0, costUsd: 0, audioSeconds: 0, characters: 0, estimated: 0 };
}

function figuresOf(r: UsageRecord): string[] {
  const row = [r.consumer ?? "", r.team ?? "", r.model ?? "", r.provider ?? "", tagsKey(r.tags)].join(ROW_SEP);
  const values: Record<LedgerFigure, number> = {
    requests: 1,
    inputTokens: r.inputTokens,
    cachedInputTokens: r.cachedInputTokens,
    outputTokens: r.outputTokens,
    reasoningTokens: r.reasoningTokens,
    costUsd: r.costUsd,
    audioSeconds: r.audioSeconds,
    characters: r.characters,
    estimated: r.estimated ? 1 : 0,
  };
  const out: string[] = [];
  for (const f of LEDGER_FIGURES) if (values[f] !== 0) out.push(`${row}${FIELD_SEP}${SHORT[f]}`, String(values[f]));
  return out;
}

function pairs(flat: readonly string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

const iso = (t: number): string => new Date(t).toISOString();
export const monthOf = (t: number): string => iso(t).slice(0, 7);
const dayOf = (t: number): string => iso(t).slice(0, 10);
const hourOf = (t: number): string => iso(t).slice(0, 13);
const hourStart = (t: number): number => Math.floor(t / 3_600_000) * 3_600_000;
export const dayStart = (t: number): number => Math.floor(t / 86_400_000) * 86_400_000;

/** The end of the month `months - 1` months after the one containing `t`. */
function monthEnd(t: number, months: number): number {
  const d = new Date(t);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1);
}
