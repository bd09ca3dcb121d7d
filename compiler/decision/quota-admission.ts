/**
 * Quota admission offline, with counters kept across the requests of a trace: which
 * quotas apply to a consumer on a model, what one request reserves on each (its unit:
 * 1 request, prompt + output tokens, USD at the model's dearest target, …), whether
 * every counter has room (all or nothing), and on a refusal the downgrade to the
 * quota's model (at most 3 times) or a 429. Then settling: the reservation is replaced
 * by what the request used (nothing billable when it failed).
 *
 * The rules and the arithmetic are the runtime's (runtime/stages/quotas/admit.ts,
 * plan-quotas.ts, settle.ts and runtime/state/counters/local-store.ts), on plan
 * indices; the conformance table checks the applicable quotas and the reservations
 * against the runtime's own functions. Shared and local counters count alike here
 * (one process, no store failures).
 */
import { createHash } from "node:crypto";
import type { Plan, PlanTarget } from "../../schemas/plan/plan.js";
import type { PlanQuota } from "../../schemas/plan/quota.js";

/** A request is downgraded at most this many times (runtime/stages/quotas/admit.ts). */
export const MAX_DOWNGRADES = 3;

/** Header values longer than this key their counter by a hash. */
const MAX_SCOPE_VALUE = 96;

/** What a request may use, as admission sees it. */
export interface QuotaDemand {
  readonly inputTokens: number;
  /** `max_tokens`/`max_completion_tokens` when the request sets one, else null (each quota's `outputTokens`). */
  readonly maxOutputTokens: number | null;
  /** The scoped values the request carries: the consumer's key digest and request headers (lower-case names). */
  readonly keyDigest: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** One reservation: a counter and the amount taken from it. */
export interface Reservation {
  readonly quota: number;
  readonly counter: string;
  readonly amount: number;
  /** For `scope: provider`: the provider the counter belongs to. */
  readonly provider: string | null;
  readonly window: number;
}

/** A quota that sent the request to its downgrade model. */
export interface Downgrade {
  readonly quota: number;
  readonly from: number;
  readonly to: number;
}

/** The outcome of an admission (`downgrades`: the hops taken before it, in order). */
export type Admission =
  | { readonly kind: "admitted"; readonly model: number; readonly downgrades: readonly Downgrade[]; readonly reservations: readonly Reservation[] }
  | {
      readonly kind: "refused";
      readonly quota: number;
      readonly status: 429;
      readonly code: "insufficient_quota" | "rate_limit_exceeded";
      readonly model: number;
      readonly downgrades: readonly Downgrade[];
    };

/** The quotas (indices) that apply to `consumer` on `model`, in plan order. */
export function applicableQuotas(plan: Plan, consumer: number, model: number): number[] {
  const out: number[] = [];
  (plan.quotas ?? []).forEach((q, i) => {
    if ((q.consumers === null || q.consumers[consumer] === true) && (q.models === null || q.models[model] === true)) out.push(i);
  });
  return out;
}

/** The highest prices among the targets a model can be served by (weighted and attempt order). */
export function dearestPrice(plan: Plan, model: number): Required<NonNullable<PlanTarget["price"]>> {
  const m = plan.models[model];
  const price = { input: 0, output: 0, cachedInput: 0, audioMinute: 0, characters: 0 };
  for (const t of [...(m?.weighted ?? []), ...(m?.fallbacks ?? [])]) {
    const p = plan.targets[t]?.price;
    price.input = Math.max(price.input, p?.input ?? 0);
    price.output = Math.max(price.output, p?.output ?? 0);
    price.audioMinute = Math.max(price.audioMinute, p?.audioMinute ?? 0);
    price.characters = Math.max(price.characters, p?.characters ?? 0);
  }
  price.cachedInput = price.input;
  return price;
}

/** What one quota reserves for a chat request on `model`, in its unit. */
export function reservationAmount(plan: Plan, q: PlanQuota, model: number, inputTokens: number, outputTokens: number): number {
  switch (q.unit) {
    case "requests":
      return 1;
    case "input-tokens":
      return inputTokens;
    case "output-tokens":
      return outputTokens;
    case "tokens":
      return inputTokens + outputTokens;
    case "audio-seconds":
    case "characters":
      // A chat request carries no audio and no speech.
      return 0;
    case "usd": {
      const p = dearestPrice(plan, model);
      return (inputTokens * p.input + outputTokens * p.output) / 1e6;
    }
  }
}

/** UTC window arithmetic (runtime/base/windows.ts). */
const LENGTH_MS: Readonly<Record<Exclude<PlanQuota["per"], "month">, number>> = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000 };

export function windowStart(per: PlanQuota["per"], now: number): number {
  if (per === "month") {
    const d = new Date(now);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  return Math.floor(now / LENGTH_MS[per]) * LENGTH_MS[per];
}

export function windowLengthMs(per: PlanQuota["per"], now: number): number {
  if (per !== "month") return LENGTH_MS[per];
  const start = windowStart(per, now);
  const d = new Date(start);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - start;
}

/** A request that reserves nothing still needs room: an exhausted counter refuses it (local-store.ts). */
function exceeds(amount: number, available: number): boolean {
  return amount > available || (amount === 0 && available <= 0);
}

interface Row {
  /** Fixed: window start; bucket: time of the last refill. */
  window: number;
  /** Fixed: used; bucket: level. */
  value: number;
}

/** Quota counters over a sequence of requests, and admission against them. */
export class QuotaCounters {
  readonly #plan: Plan;
  readonly #rows = new Map<string, Row>();

  constructor(plan: Plan) {
    this.#plan = plan;
  }

  /** Admits a chat request of `consumer` routed to `model` at `now` (ms since the epoch), or refuses it. */
  admit(consumer: number, model: number, demand: QuotaDemand, now: number): Admission {
    const plan = this.#plan;
    let current = model;
    const downgrades: Downgrade[] = [];
    for (let hop = 0; ; hop++) {
      const applicable = applicableQuotas(plan, consumer, current);
      if (applicable.length === 0) return { kind: "admitted", model: current, downgrades, reservations: [] };
      const specs: (Reservation & { bucket: boolean; capacity: number; rate: number })[] = [];
      for (const qi of applicable) {
        const q = plan.quotas![qi]!;
        const amount = reservationAmount(plan, q, current, demand.inputTokens, demand.maxOutputTokens ?? q.outputTokens);
        const bucket = q.burst !== null;
        const window = bucket ? 0 : windowStart(q.per, now);
        for (const [value, provider] of this.#scopeValues(q, consumer, current, demand)) {
          specs.push({
            quota: qi,
            counter: `${q.name}|${value}`,
            amount,
            provider,
            window,
            bucket,
            capacity: q.burst ?? q.limit,
            rate: bucket ? q.limit / windowLengthMs(q.per, 0) : 0,
          });
        }
      }
      // Local counters are checked first, then the shared ones (one Redis round trip), as the runtime does.
      const ordered = [...specs.filter((s) => plan.quotas![s.quota]!.consistency === "local"), ...specs.filter((s) => plan.quotas![s.quota]!.consistency === "shared")];
      const refused = ordered.find((s) => exceeds(s.amount, this.#available(s.counter, s.bucket, s.capacity, s.rate, s.window, now)));
      if (refused === undefined) {
        for (const s of ordered) this.#take(s.counter, s.bucket, s.capacity, s.rate, s.window, s.amount, now);
        return {
          kind: "admitted",
          model: current,
          downgrades,
          reservations: ordered.map(({ quota, counter, amount, provider, window }) => ({ quota, counter, amount, provider, window })),
        };
      }
      const q = plan.quotas![refused.quota]!;
      if (q.downgrade !== null && hop < MAX_DOWNGRADES && q.downgrade !== current) {
        downgrades.push({ quota: refused.quota, from: current, to: q.downgrade });
        current = q.downgrade;
        continue;
      }
      return { kind: "refused", quota: refused.quota, status: 429, code: q.unit === "usd" ? "insufficient_quota" : "rate_limit_exceeded", model: current, downgrades };
    }
  }

  /**
   * Settles an admitted request: each counter gets what the request used minus what it
   * reserved (a provider-scoped counter of a provider that did not serve gets it all back).
   */
  settle(reservations: readonly Reservation[], used: { served: boolean; inputTokens: number; outputTokens: number; costUsd: number; provider: string | null }, now: number): void {
    for (const r of reservations) {
      const q = this.#plan.quotas![r.quota]!;
      const actual = r.provider !== null && r.provider !== used.provider ? 0 : actualAmount(q, used);
      const delta = actual - r.amount;
      if (delta === 0) continue;
      const row = this.#rows.get(r.counter);
      if (q.burst !== null) {
        const capacity = q.burst;
        const rate = q.limit / windowLengthMs(q.per, 0);
        const level = Math.min(capacity, this.#available(r.counter, true, capacity, rate, 0, now) - delta);
        this.#rows.set(r.counter, { window: now, value: level });
        continue;
      }
      const nowWindow = windowStart(q.per, now);
      if (row !== undefined && nowWindow === r.window && row.window === r.window) row.value = Math.max(0, row.value + delta);
      else if (delta > 0) {
        const target = row !== undefined && row.window >= nowWindow ? row : { window: nowWindow, value: 0 };
        target.value += delta;
        this.#rows.set(r.counter, target);
      }
    }
  }

  /** Counter values (used, or a bucket's level) by counter name, for reports. */
  snapshot(): ReadonlyMap<string, number> {
    return new Map([...this.#rows].map(([k, r]) => [k, r.value]));
  }

  #available(counter: string, bucket: boolean, capacity: number, rate: number, window: number, now: number): number {
    const row = this.#rows.get(counter);
    if (row === undefined) return capacity;
    if (bucket) return Math.min(capacity, row.value + Math.max(0, now - row.window) * rate);
    return row.window < window ? capacity : capacity - row.value;
  }

  #take(counter: string, bucket: boolean, capacity: number, rate: number, window: number, amount: number, now: number): void {
    const available = this.#available(counter, bucket, capacity, rate, window, now);
    this.#rows.set(counter, bucket ? { window: now, value: available - amount } : { window, value: capacity - available + amount });
  }

  /** The counters of one quota for this request: [scope value, provider]; none when the request has no value for the scope. */
  #scopeValues(q: PlanQuota, consumer: number, model: number, demand: QuotaDemand): [string, string | null][] {
    const plan = this.#plan;
    switch (q.scope) {
      case "global":
        return [["*", null]];
      case "team": {
        const team = plan.consumers[consumer]?.team;
        return team === undefined ? [] : [[team, null]];
      }
      case "consumer":
        return [[plan.consumers[consumer]?.name ?? "?", null]];
      case "key":
        return [[demand.keyDigest.slice(0, 16), null]];
      case "model":
        return [[plan.models[model]?.name ?? "?", null]];
      case "provider": {
        const names = [...new Set((plan.models[model]?.weighted ?? []).map((t) => plan.upstreams[plan.targets[t]?.upstream ?? -1]?.name ?? "?"))];
        return names.map((n) => [n, n]);
      }
      case "header": {
        const value = demand.headers[q.header ?? ""];
        if (value === undefined) return [];
        // Long values are hashed, so a header cannot blow up counter names.
        return [[value.length > MAX_SCOPE_VALUE ? `#${createHash("sha256").update(value).digest("hex").slice(0, 32)}` : value, null]];
      }
    }
  }
}

function actualAmount(q: PlanQuota, used: { served: boolean; inputTokens: number; outputTokens: number; costUsd: number }): number {
  if (q.unit === "requests") return 1;
  if (!used.served) return 0;
  switch (q.unit) {
    case "input-tokens":
      return used.inputTokens;
    case "output-tokens":
      return used.outputTokens;
    case "tokens":
      return used.inputTokens + used.outputTokens;
    case "usd":
      return used.costUsd;
    case "audio-seconds":
    case "characters":
      return 0;
  }
}
