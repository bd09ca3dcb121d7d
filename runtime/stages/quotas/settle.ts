/**
 * Settling: when a request finishes, what did it really use? The upstream's reported
 * usage when there is one (streamed or not); otherwise the prompt as admission counted
 * it plus the output counted from the characters relayed (a stream cut by the client
 * is charged for what was produced). A request that failed (an upstream error, a
 * gateway error) used nothing billable: its tokens and spend are refunded; a request
 * still counts against request limits. Then each reserved counter gets the difference
 * between what it reserved and what was used.
 */
import { CLIENT_CLOSED, type RequestRecord } from "../../base/request-record.js";
import type { LinkedTarget } from "../../plan/linked-plan.js";
import type { CounterSpec } from "../../state/counters/counter-spec.js";
import { estimatePromptTokens, tokensFromChars } from "../../canonical/prompt-tokens.js";
import type { LedgerEntry } from "../../state/ledger.js";
import type { LinkedQuota } from "./plan-quotas.js";
import type { QuotaTicket } from "./quota-ticket.js";
import { windowEnd, windowStart } from "../../base/windows.js";
import { costUsd } from "../../base/cost.js";

export interface ActualUsage extends LedgerEntry {
  /** Seconds of audio transcribed (the upstream's figure, else admission's estimate from the upload). */
  readonly audioSeconds: number;
  /** Characters turned into speech. */
  readonly characters: number;
  /** False when the request failed and nothing is charged. */
  readonly charged: boolean;
  /** The target that served (or last tried to serve) the request. */
  readonly target: LinkedTarget | null;
  readonly source: "upstream" | "counted" | "none";
}

const NOTHING: ActualUsage = {
  charged: false,
  target: null,
  source: "none",
  inputTokens: 0,
  cachedInputTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  costUsd: 0,
  audioSeconds: 0,
  characters: 0,
};

export function actualUsage(record: RequestRecord, ticket: QuotaTicket | null): ActualUsage {
  const attempt = record.lastAttempt;
  if (attempt === null) return NOTHING;
  const target = attempt.target;
  const served = (record.status >= 200 && record.status < 300) || record.status === CLIENT_CLOSED;
  if (!served) return { ...NOTHING, target };
  const usage = record.usage;
  let input: number;
  let cached = 0;
  let output: number;
  let reasoning = 0;
  let source: ActualUsage["source"];
  const cut = record.cut !== null || record.status === CLIENT_CLOSED;
  if (usage !== null) {
    input = usage.inputTokens;
    cached = usage.cachedInputTokens;
    output = usage.outputTokens;
    reasoning = usage.reasoningTokens;
    source = "upstream";
    // A cut stream may carry only the usage of its start (Anthropic's message_start says 1 output token): what was relayed counts when it is more.
    const counted = cut ? tokensFromChars(record.outputChars) : 0;
    if (counted > output) {
      output = counted;
      source = "counted";
    }
  } else {
    // No usage from the upstream (a cut or abandoned stream): the prompt as admission counted it, else its estimate now.
    input = ticket?.inputTokens ?? (record.prompt === null ? 0 : estimatePromptTokens(record.prompt));
    output = tokensFromChars(record.outputChars);
    source = "counted";
  }
  // Audio units: the upstream's figure when it reports one, else what admission knew from the request.
  const audioSeconds = usage?.audioSeconds ?? ticket?.audioSeconds ?? 0;
  const characters = usage?.inputCharacters ?? ticket?.characters ?? 0;
  const price = target.price ?? null;
  const cost = price === null ? 0 : costUsd(price, { inputTokens: input, cachedInputTokens: cached, outputTokens: output, audioSeconds, characters });
  return {
    charged: true,
    target,
    source,
    inputTokens: input,
    cachedInputTokens: cached,
    outputTokens: output,
    reasoningTokens: reasoning,
    costUsd: cost,
    audioSeconds,
    characters,
  };
}

/** What a quota's counter really used, in its unit. */
export function actualAmount(q: LinkedQuota, used: ActualUsage): number {
  switch (q.plan.unit) {
    case "requests":
      return 1;
    case "input-tokens":
      return used.inputTokens;
    case "output-tokens":
      return used.outputTokens;
    case "tokens":
      return used.inputTokens + used.outputTokens;
    case "usd":
      return used.costUsd;
    case "audio-seconds":
      return used.audioSeconds;
    case "characters":
      return used.characters;
  }
}

/** The adjustments to apply, grouped by store. */
export function settlements(ticket: QuotaTicket, used: ActualUsage, now: number): Map<LinkedQuota["store"], CounterSpec[]> {
  const byStore = new Map<LinkedQuota["store"], CounterSpec[]>();
  const servedBy = used.target?.upstream.name ?? null;
  for (const c of ticket.counters) {
    // A provider-scoped counter of a provider that did not serve the request gets its reservation back.
    const actual = c.provider !== null && c.provider !== servedBy ? 0 : actualAmount(c.quota, used);
    const delta = actual - c.spec.amount;
    if (delta === 0) continue;
    const per = c.quota.plan.per;
    const nowWindow = c.spec.bucket ? 0 : windowStart(per, now);
    // Every field written out, in one order: spreading the admission's spec and adding two
    // fields made a new object shape per counter, which showed in profiles of settlement.
    const a = c.spec;
    const spec: CounterSpec = {
      key: a.key,
      bucket: a.bucket,
      capacity: a.capacity,
      window: a.window,
      windowEnd: a.windowEnd,
      ratePerMs: a.ratePerMs,
      amount: delta,
      nowWindow,
      nowWindowEnd: a.bucket ? 0 : windowEnd(per, nowWindow),
    };
    (byStore.get(c.store) ?? byStore.set(c.store, []).get(c.store)!).push(spec);
  }
  return byStore;
}
