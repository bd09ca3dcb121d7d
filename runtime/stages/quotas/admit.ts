/**
 * Admission: the one call every model endpoint (chat, embeddings, audio) makes into
 * quotas, after routing and the allow-list, before a target is picked. It reserves, on
 * every quota that applies, what the request may use (its Demand: prompt tokens
 * estimated, output tokens from `max_tokens` or the quota's default, seconds of audio,
 * characters to speak; spend at the model's dearest target), all-or-nothing: the
 * in-process counters first (synchronous, exact across threads), then the shared
 * ones in one Redis round trip (refunding the local ones if Redis refuses). When a
 * quota refuses, the request is downgraded to the quota's model, or refused (429 with
 * `retry-after` and the rate-limit headers). It returns a verdict; the pipeline
 * answers. The reservation is settled with the real usage when the request finishes
 * (settle.ts).
 */
import { createHash } from "node:crypto";
import type { LinkedConsumer, LinkedModel } from "../../plan/linked-plan.js";
import type { HeaderList } from "../../server/exchange.js";
import { gatewayError, type GatewayError } from "../../base/errors.js";
import type { RequestRecord } from "../../base/request-record.js";
import { StoreUnavailable, type AdmitOutcome, type CounterSpec, type CounterStore } from "../../state/counters/counter-spec.js";
import type { Demand, PromptCount } from "./demand.js";
import type { LinkedQuota, PlanQuotas } from "./plan-quotas.js";
import { QuotaTicket, refundCounters, type ReservedCounter } from "./quota-ticket.js";
import { keepTightest, rateLimitHeaders, type HeaderFigures, type HeaderKind } from "./rate-limit-headers.js";
import type { QuotaService } from "./quota-service.js";
import { windowEnd, windowStart } from "../../base/windows.js";
import type { PlanQuota } from "../../../schemas/plan/quota.js";
import { costUsd, type Price } from "../../base/cost.js";

/** A request is downgraded at most this many times (the compiler warns about loops). */
const MAX_DOWNGRADES = 3;

/** How each unit is named in a 429's message. */
const UNIT_TEXT: Readonly<Record<PlanQuota["unit"], string>> = {
  requests: "requests",
  tokens: "tokens",
  "input-tokens": "input tokens",
  "output-tokens": "output tokens",
  usd: "USD",
  "audio-seconds": "seconds of audio",
  characters: "characters",
};

/** The rate-limit header family each unit reports in (null: none; there is no convention for audio units). */
const HEADER_KIND: Readonly<Record<PlanQuota["unit"], HeaderKind | null>> = {
  requests: "requests",
  tokens: "tokens",
  "input-tokens": "tokens",
  "output-tokens": "tokens",
  usd: "usd",
  "audio-seconds": null,
  characters: null,
};

/** Scope values longer than this are hashed, so a header value cannot blow up keys. */
const MAX_SCOPE_VALUE = 96;

/** What admission decided. */
export type Admission =
  /** Go on with `model` (the routed one, or the one a quota downgraded to); `ticket` is null when no quota applied. `headers` go on the response. */
  | { readonly kind: "admitted"; readonly model: LinkedModel; readonly ticket: QuotaTicket | null; readonly headers: HeaderList; readonly at: number }
  /** Answer with `error` and `headers` (429 with the rate-limit headers, or 503 for an unavailable store). */
  | { readonly kind: "refused"; readonly error: GatewayError; readonly headers: HeaderList };

/** Admits the request (possibly downgraded) or refuses it; never answers the client. */
export async function admitRequest(
  service: QuotaService,
  quotas: PlanQuotas,
  headers: Readonly<Record<string, string>>,
  consumer: LinkedConsumer,
  model: LinkedModel,
  demand: Demand,
  record: RequestRecord,
): Promise<Admission> {
  let current = model;
  let input: PromptCount | null = null;
  for (let hop = 0; ; hop++) {
    const applicable = quotas.applicable(consumer, current);
    if (applicable.length === 0) {
      const extra: HeaderList = current === model ? [] : [["x-tollgate-downgraded-from", model.name]];
      return { kind: "admitted", model: current, ticket: null, headers: extra, at: service.clock() };
    }
    if (input === null && applicable.some((q) => q.needsInput)) input = await demand.inputTokens(service, applicable, current);
    const now = service.clock();
    const result = await reserve(service, quotas, headers, consumer, current, applicable, demand, input ?? { tokens: 0, exact: false }, now);
    if (result.kind === "unavailable") return { kind: "refused", error: gatewayError("quota-store-unavailable", { quota: result.quota.name }), headers: [] };
    if (result.kind === "admitted") {
      const extra = rateLimitHeaders(result.figures);
      if (current !== model) extra.push(["x-tollgate-downgraded-from", model.name]);
      return { kind: "admitted", model: current, ticket: result.ticket, headers: extra, at: now };
    }
    const q = result.quota;
    if (q.downgrade !== null && hop < MAX_DOWNGRADES && q.downgrade !== current) {
      service.metrics.rejection(q.label, "downgrade");
      current = q.downgrade;
      record.model = current;
      continue;
    }
    service.metrics.rejection(q.label, "reject");
    const retryAfterMs = Math.max(1, Math.ceil(result.retryMs));
    const retry = Math.ceil(retryAfterMs / 1000);
    const params = {
      quota: q.name,
      limit: formatLimit(q),
      unit: UNIT_TEXT[q.plan.unit],
      per: q.plan.per,
      burst: q.bucket ? ` (burst ${q.capacity})` : "",
      needed: formatAmount(result.needed, q),
      left: formatAmount(Math.max(0, result.remaining), q),
      retry,
    };
    const error = gatewayError(q.plan.unit === "usd" ? "budget-exhausted" : "quota-exhausted", params, { retryAfter: retry });
    return { kind: "refused", error, headers: [["retry-after-ms", String(retryAfterMs)], ...rateLimitHeaders(result.figures)] };
  }
}

type ReserveResult =
  | { kind: "admitted"; ticket: QuotaTicket; figures: Map<HeaderKind, HeaderFigures> }
  | { kind: "refused"; quota: LinkedQuota; needed: number; remaining: number; retryMs: number; figures: Map<HeaderKind, HeaderFigures> }
  | { kind: "unavailable"; quota: LinkedQuota };

async function reserve(
  service: QuotaService,
  quotas: PlanQuotas,
  headers: Readonly<Record<string, string>>,
  consumer: LinkedConsumer,
  model: LinkedModel,
  applicable: readonly LinkedQuota[],
  demand: Demand,
  input: PromptCount,
  now: number,
): Promise<ReserveResult> {
  const facts = quotas.facts(consumer);
  const outputs: number[] = [];
  const local: ReservedCounter[] = [];
  const shared: ReservedCounter[] = [];
  for (const q of applicable) {
    const output = demand.outputTokens(q);
    outputs.push(output);
    // 0 for a request that may use nothing measurable (a transcription on a token quota): the store still refuses it when the counter is exhausted.
    const amount = reservation(q, input.tokens, output, demand, model);
    const start = q.bucket ? 0 : windowStart(q.plan.per, now);
    const end = q.bucket ? 0 : windowEnd(q.plan.per, start);
    for (const [value, provider] of scopeValues(q, consumer.name, facts?.team ?? null, model, headers)) {
      const spec: CounterSpec = { key: `${q.name}|${value}`, bucket: q.bucket, capacity: q.capacity, window: start, windowEnd: end, ratePerMs: q.ratePerMs, amount };
      (q.plan.consistency === "shared" ? shared : local).push({ quota: q, spec, provider, store: q.store });
    }
  }
  const figures = new Map<HeaderKind, HeaderFigures>();
  const localOutcome = local.length === 0 ? null : admitOn(local[0]!.store, now, local);
  if (localOutcome instanceof StoreUnavailable) {
    service.metrics.storeFailure("local", "closed");
    service.noteStoreFailure(localOutcome.message, "closed");
    return { kind: "unavailable", quota: local[0]!.quota };
  }
  if (localOutcome !== null) {
    collectFigures(figures, local, localOutcome);
    if (localOutcome.refused >= 0) return refusal(local, localOutcome, figures);
  }
  let sharedOk = shared;
  if (shared.length > 0) {
    let outcome: AdmitOutcome | StoreUnavailable;
    try {
      outcome = await shared[0]!.store.admit(
        now,
        shared.map((c) => c.spec),
      );
    } catch (err) {
      outcome = err instanceof StoreUnavailable ? err : new StoreUnavailable(String(err));
    }
    if (outcome instanceof StoreUnavailable) {
      const closed = shared.find((c) => !c.quota.plan.failOpen);
      service.metrics.storeFailure("redis", closed === undefined ? "open" : "closed");
      service.noteStoreFailure(outcome.message, closed === undefined ? "open" : "closed");
      if (closed !== undefined) {
        refundCounters(local, now);
        return { kind: "unavailable", quota: closed.quota };
      }
      sharedOk = [];
    } else {
      collectFigures(figures, shared, outcome);
      if (outcome.refused >= 0) {
        refundCounters(local, now);
        return refusal(shared, outcome, figures);
      }
    }
  }
  return { kind: "admitted", ticket: new QuotaTicket([...local, ...sharedOk], input.tokens, input.exact, outputs, demand.audioSeconds, demand.characters), figures };
}

function admitOn(store: CounterStore, now: number, counters: readonly ReservedCounter[]): AdmitOutcome | StoreUnavailable {
  try {
    return store.admit(
      now,
      counters.map((c) => c.spec),
    ) as AdmitOutcome;
  } catch (err) {
    if (err instanceof StoreUnavailable) return err;
    throw err;
  }
}

function refusal(counters: readonly ReservedCounter[], outcome: AdmitOutcome, figures: Map<HeaderKind, HeaderFigures>): ReserveResult {
  const refused = counters[outcome.refused]!;
  return { kind: "refused", quota: refused.quota, needed: refused.spec.amount, remaining: outcome.remaining[outcome.refused]!, retryMs: outcome.retryMs, figures };
}

function collectFigures(figures: Map<HeaderKind, HeaderFigures>, counters: readonly ReservedCounter[], outcome: AdmitOutcome): void {
  counters.forEach((c, i) => {
    const unit = c.quota.plan.unit;
    const kind = HEADER_KIND[unit];
    if (kind === null) return;
    keepTightest(figures, kind, { limit: c.quota.capacity, remaining: outcome.remaining[i]!, resetMs: outcome.resetMs[i]! });
  });
}

/** What one quota reserves for this request, in its unit. */
export function reservation(q: LinkedQuota, inputTokens: number, outputTokens: number, demand: Pick<Demand, "audioSeconds" | "characters">, model: LinkedModel): number {
  switch (q.plan.unit) {
    case "requests":
      return 1;
    case "input-tokens":
      return inputTokens;
    case "output-tokens":
      return outputTokens;
    case "tokens":
      return inputTokens + outputTokens;
    case "audio-seconds":
      return demand.audioSeconds;
    case "characters":
      return demand.characters;
    case "usd":
      return costUsd(dearestPrice(model), { inputTokens, cachedInputTokens: 0, outputTokens, audioSeconds: demand.audioSeconds, characters: demand.characters });
  }
}

const priceCache = new WeakMap<LinkedModel, Required<Price>>();

/** The highest prices among the targets a model can be served by (the reservation must cover any of them). */
export function dearestPrice(model: LinkedModel): Required<Price> {
  let price = priceCache.get(model);
  if (price === undefined) {
    price = { input: 0, output: 0, cachedInput: 0, audioMinute: 0, characters: 0 };
    for (const t of [...model.weighted, ...model.fallbacks]) {
      price.input = Math.max(price.input, t.price?.input ?? 0);
      price.output = Math.max(price.output, t.price?.output ?? 0);
      price.audioMinute = Math.max(price.audioMinute, t.price?.audioMinute ?? 0);
      price.characters = Math.max(price.characters, t.price?.characters ?? 0);
    }
    price.cachedInput = price.input;
    priceCache.set(model, price);
  }
  return price;
}

/** The counters of one quota for this request: [scope value, provider]. Empty when the request has no value for the scope. */
function scopeValues(q: LinkedQuota, consumer: string, team: string | null, model: LinkedModel, headers: Readonly<Record<string, string>>): [string, string | null][] {
  switch (q.plan.scope) {
    case "global":
      return [["*", null]];
    case "team":
      return team === null ? [] : [[team, null]];
    case "consumer":
      return [[consumer, null]];
    case "key":
      return [[keyDigest(headers.authorization ?? ""), null]];
    case "model":
      return [[model.name, null]];
    case "provider": {
      // The request may go to any of the model's weighted targets: reserve on each provider, settle on the one that served.
      const names = [...new Set(model.weighted.map((t) => t.upstream.name))];
      return names.map((n) => [n, n]);
    }
    case "header": {
      const value = headers[q.plan.header ?? ""];
      if (value === undefined) return [];
      return [[value.length > MAX_SCOPE_VALUE ? `#${createHash("sha256").update(value).digest("hex").slice(0, 32)}` : value, null]];
    }
  }
}

/** Authorization header → the key's digest prefix (the counter's scope value), for the keys seen recently. */
const keyDigests = new Map<string, string>();
const KEY_DIGEST_CACHE = 4096;

/** A key's counter name: a SHA-256 prefix, never the key itself (counters are listed on the admin side). */
function keyDigest(authorization: string): string {
  let digest = keyDigests.get(authorization);
  if (digest === undefined) {
    digest = createHash("sha256").update(authorization.slice(7)).digest("hex").slice(0, 16);
    // Bounded: an unbounded map keyed by client input would be a memory leak; starting over is cheap.
    if (keyDigests.size >= KEY_DIGEST_CACHE) keyDigests.clear();
    keyDigests.set(authorization, digest);
  }
  return digest;
}

function formatLimit(q: LinkedQuota): string {
  return q.plan.unit === "usd" ? `$${q.plan.limit}` : String(q.plan.limit);
}

function formatAmount(value: number, q: LinkedQuota): string {
  if (q.plan.unit === "usd") return `$${value.toFixed(6).replace(/0+$/, "").replace(/\.$/, "")}`;
  // Seconds of audio keep a decimal (a 2.4 s clip against 2 s left); the other units are whole.
  return q.plan.unit === "audio-seconds" ? String(Math.floor(value * 10) / 10) : String(Math.floor(value));
}
