/**
 * Pass: compile-quotas. Resolves each quota's names (teams, consumers, models, the
 * downgrade model) to masks and indices, applies defaults, and proves what it can:
 * `shared` quotas need a Redis store, spend limits need priced targets, a limit must
 * fit at least one request, `burst` cannot refill a calendar month, and quotas that
 * can never bind or never apply are reported. Emits the plan's `quotas` and `stores`.
 */
import type { PlanQuota } from "../../schemas/plan/quota.js";
import type { Quota } from "../../schemas/policy/quota.js";
import { AUDIO_ADAPTER_IDS } from "../../schemas/plan/constants.js";
import { type CompileContext, child } from "../context.js";
import { suggestName } from "../diagnostics/suggest.js";
import type { ExpandedPolicy, Located, QuotaPlanParts, QuotaPolicy } from "../ir.js";
import { compileStores } from "./compile-stores.js";
import { compileCostTags } from "./compile-cost-tags.js";
import { formatCount, formatUsd } from "../analysis/format.js";

/** Defaults of the quota language. */
export const QUOTA_DEFAULTS = {
  unit: "tokens",
  scope: "global",
  consistency: "local",
  outputTokens: 4096,
  redisPrefix: "tollgate",
  redisTimeout: "250ms",
} as const;

/** Length of the fixed windows in ms (a month is a calendar month). */
export const WINDOW_MS = { second: 1_000, minute: 60_000, hour: 3_600_000, day: 86_400_000, month: 31 * 86_400_000 } as const;

export function compileQuotas(policy: ExpandedPolicy, ctx: CompileContext): QuotaPolicy {
  const parts: QuotaPlanParts = {
    ...(policy.quotas.length === 0 ? {} : { quotas: policy.quotas.flatMap((q) => compileQuota(q, policy, ctx) ?? []) }),
    ...(policy.stores === null ? {} : { stores: compileStores(policy, ctx) }),
    ...(policy.costTags == null ? {} : { costTags: compileCostTags(policy, ctx) }),
  };
  checkDuplicates(policy.quotas, ctx);
  if (parts.quotas !== undefined && parts.quotas.length === policy.quotas.length) analyse(parts.quotas, policy, ctx);
  return { ...policy, compiledQuotas: parts };
}

function compileQuota({ value: q, at }: Located<Quota>, policy: ExpandedPolicy, ctx: CompileContext): PlanQuota | undefined {
  const errorsBefore = ctx.errorCount;
  const scope = q.scope ?? QUOTA_DEFAULTS.scope;
  const consistency = q.consistency ?? QUOTA_DEFAULTS.consistency;
  const unit = q.unit ?? QUOTA_DEFAULTS.unit;
  if (consistency === "shared" && policy.stores?.value.redis === undefined) {
    ctx.report("quota-shared-without-store", { quota: q.name }, child(at, "consistency"));
  }
  if (scope === "header" && q.header === undefined) ctx.report("quota-header-missing", { quota: q.name }, child(at, "scope"));
  if (scope !== "header" && q.header !== undefined) ctx.report("quota-header-ignored", { quota: q.name }, child(at, "header"), { part: "key" });
  if (q.burst !== undefined && q.per === "month") ctx.report("quota-burst-month", { quota: q.name }, child(at, "burst"));

  const modelNames = policy.models.map((m) => m.name);
  const consumerNames = policy.consumers.map((c) => c.name);
  const lookup = (names: readonly string[] | undefined, known: readonly string[], kind: string, field: string): Set<number> | null => {
    if (names === undefined) return null;
    const found = new Set<number>();
    names.forEach((name, i) => {
      const index = known.indexOf(name);
      if (index >= 0) found.add(index);
      else ctx.report("quota-unknown-name", { quota: q.name, kind, name }, child(at, "match", field, i), { suggestion: suggestName(name, known, `${kind}s`) });
    });
    return found;
  };
  const models = lookup(q.match?.models, modelNames, "model", "models");
  const consumers = lookup(q.match?.consumers, consumerNames, "consumer", "consumers");
  let teams: Set<string> | null = null;
  if (q.match?.teams !== undefined) {
    const known = new Set(policy.consumers.flatMap((c) => (c.team === null ? [] : [c.team])));
    teams = new Set(q.match.teams);
    q.match.teams.forEach((team, i) => {
      if (!known.has(team)) ctx.report("quota-unknown-team", { quota: q.name, name: team }, child(at, "match", "teams", i), { suggestion: suggestName(team, [...known], "teams") });
    });
  }
  let downgrade: number | null = null;
  if (typeof q.action === "object") {
    downgrade = modelNames.indexOf(q.action.downgrade);
    if (downgrade < 0) {
      ctx.report("quota-unknown-name", { quota: q.name, kind: "model", name: q.action.downgrade }, child(at, "action", "downgrade"), {
        suggestion: suggestName(q.action.downgrade, modelNames, "models"),
      });
    }
  }
  if (ctx.errorCount > errorsBefore) return undefined;

  const consumerMask =
    consumers === null && teams === null
      ? null
      : policy.consumers.map((c, i) => (consumers === null || consumers.has(i)) && (teams === null || (c.team !== null && teams.has(c.team))));
  const modelMask = models === null ? null : policy.models.map((_, i) => models.has(i));

  if (unit === "usd") checkPriced(q.name, modelMask, policy, ctx, at);
  if (unit === "audio-seconds" || unit === "characters") checkAudioReachable(q.name, unit, modelMask, policy, ctx, at);
  if (unit !== "tokens" && unit !== "input-tokens" && unit !== "output-tokens" && unit !== "usd") {
    if (q.outputTokens !== undefined) ctx.report("quota-token-option-unused", { quota: q.name, option: "outputTokens", unit }, child(at, "outputTokens"), { part: "key" });
    if (q.count !== undefined) ctx.report("quota-token-option-unused", { quota: q.name, option: "count", unit }, child(at, "count"), { part: "key" });
  }
  const outputTokens = q.outputTokens ?? QUOTA_DEFAULTS.outputTokens;
  const capacity = q.burst ?? q.limit;
  if (unit === "requests" && capacity < 1) {
    ctx.report("quota-never-admits", { quota: q.name, need: 1, unit, capacity }, child(at, q.burst === undefined ? "limit" : "burst"));
  } else if ((unit === "tokens" || unit === "output-tokens") && capacity < outputTokens) {
    ctx.report("quota-default-reservation-too-large", { quota: q.name, need: outputTokens, unit, capacity }, child(at, q.burst === undefined ? "limit" : "burst"));
  } else if (unit === "usd") {
    checkUsdReservation(q.name, capacity, outputTokens, modelMask, policy, ctx, child(at, q.burst === undefined ? "limit" : "burst"));
  }
  if (downgrade !== null && (modelMask === null || modelMask[downgrade] === true)) {
    ctx.report("quota-downgrade-limited", { quota: q.name, model: modelNames[downgrade] ?? "" }, child(at, "action", "downgrade"));
  }
  return {
    name: q.name,
    unit,
    limit: q.limit,
    per: q.per,
    burst: q.burst ?? null,
    scope,
    header: scope === "header" ? (q.header ?? "").toLowerCase() : null,
    consumers: consumerMask,
    models: modelMask,
    consistency,
    downgrade,
    failOpen: (q.onStoreFailure ?? (unit === "usd" ? "closed" : "open")) === "open",
    outputTokens,
    exact: q.count === "exact",
  };
}

/**
 * A spend quota reserves, for a request without `max_tokens`, the quota's `outputTokens`
 * at the dearest output price among the model's targets (the runtime's reservation, not
 * counting the prompt): a limit below that refuses every such request.
 */
function checkUsdReservation(
  quota: string,
  capacity: number,
  outputTokens: number,
  modelMask: readonly boolean[] | null,
  policy: ExpandedPolicy,
  ctx: CompileContext,
  at: Located<Quota>["at"],
): void {
  let worst: { model: string; price: number } | null = null;
  policy.models.forEach((model, m) => {
    if (modelMask !== null && !modelMask[m]) return;
    const price = Math.max(0, ...(policy.attempts[m] ?? []).map((s) => s.target.price?.output ?? 0));
    if (worst === null || price > worst.price) worst = { model: model.name, price };
  });
  const found = worst as { model: string; price: number } | null;
  if (found === null) return;
  const need = (outputTokens * found.price) / 1_000_000;
  if (need <= capacity) return;
  ctx.report(
    "quota-usd-reservation-too-large",
    { quota, capacity: formatUsd(capacity), model: found.model, need: formatUsd(need), tokens: formatCount(outputTokens), price: `$${found.price}` },
    at,
  );
}

/** Every target a limited model can be served by needs a price for spend to be counted. */
function checkPriced(quota: string, modelMask: readonly boolean[] | null, policy: ExpandedPolicy, ctx: CompileContext, at: Located<Quota>["at"]): void {
  policy.models.forEach((model, m) => {
    if (modelMask !== null && !modelMask[m]) return;
    for (const step of policy.attempts[m] ?? []) {
      if (step.target.price !== null) continue;
      ctx.report(
        "quota-unpriced-target",
        { quota: quota, model: model.name, target: step.target.model, provider: policy.providers[step.target.provider]?.name ?? "?" },
        child(at, "unit"),
        { related: [{ at: step.target.at, message: "this target has no price" }] },
      );
      return;
    }
  });
}

/** An audio unit counts only requests to the audio endpoints, which only some protocols offer. */
function checkAudioReachable(
  quota: string,
  unit: "audio-seconds" | "characters",
  modelMask: readonly boolean[] | null,
  policy: ExpandedPolicy,
  ctx: CompileContext,
  at: Located<Quota>["at"],
): void {
  const reachable = policy.models.some(
    (_, m) =>
      (modelMask === null || modelMask[m] === true) &&
      (policy.attempts[m] ?? []).some((step) => AUDIO_ADAPTER_IDS.includes(policy.providers[step.target.provider]?.kind ?? "anthropic")),
  );
  if (!reachable)
    ctx.report(
      "quota-audio-unit-unreachable",
      { quota, unit: unit === "audio-seconds" ? "seconds of audio" : "characters of speech", endpoint: unit === "audio-seconds" ? "transcriptions" : "speech" },
      child(at, "unit"),
    );
}

function checkDuplicates(quotas: readonly Located<Quota>[], ctx: CompileContext): void {
  const seen = new Map<string, Located<Quota>>();
  for (const q of quotas) {
    const first = seen.get(q.value.name);
    if (first === undefined) seen.set(q.value.name, q);
    else ctx.report("quota-duplicate-name", { name: q.value.name }, child(q.at, "name"), { related: [{ at: child(first.at, "name"), message: "first defined here" }] });
  }
}

/** Whole-set findings: quotas that never bind, never apply, or downgrade in a loop. */
function analyse(quotas: readonly PlanQuota[], policy: ExpandedPolicy, ctx: CompileContext): void {
  const at = (name: string) => policy.quotas.find((q) => q.value.name === name)!.at;
  for (const q of quotas) {
    // A global fixed-window quota with no match caps everything of its unit and window.
    const cap = quotas.find(
      (o) =>
        o !== q &&
        o.scope === "global" &&
        o.consumers === null &&
        o.models === null &&
        o.burst === null &&
        q.burst === null &&
        o.unit === q.unit &&
        o.per === q.per &&
        o.limit <= q.limit,
    );
    if (cap !== undefined && !(q.scope === "global" && q.consumers === null && q.models === null && q.limit === cap.limit && quotas.indexOf(q) < quotas.indexOf(cap))) {
      ctx.report("quota-never-binds", { quota: q.name, other: cap.name, limit: cap.limit, unit: q.unit, per: q.per }, child(at(q.name), "limit"));
    }
    const applies = policy.consumers.some((c, ci) => (q.consumers === null || q.consumers[ci]) && c.allowedModels.some((ok, m) => ok && (q.models === null || q.models[m])));
    if (!applies && policy.consumers.length > 0) ctx.report("quota-matches-nothing", { quota: q.name }, child(at(q.name), "name"));
  }
  // Downgrade loops: model → the models its quotas downgrade to.
  const edges = new Map<number, Set<number>>();
  for (const q of quotas) {
    if (q.downgrade === null) continue;
    policy.models.forEach((_, m) => {
      if (q.models !== null && !q.models[m]) return;
      if (m === q.downgrade) return;
      (edges.get(m) ?? edges.set(m, new Set()).get(m)!).add(q.downgrade!);
    });
  }
  const reported = new Set<string>();
  for (const start of edges.keys()) {
    const path = [start];
    const visit = (m: number): boolean => {
      for (const next of edges.get(m) ?? []) {
        if (next === start) {
          const names = [...path, start].map((i) => `\`${policy.models[i]!.name}\``);
          const key = [...path].sort().join(",");
          if (!reported.has(key)) {
            reported.add(key);
            const first = quotas.find((q) => q.downgrade !== null && (q.models === null || q.models[start]))!;
            ctx.report("quota-downgrade-cycle", { cycle: names.join(" → ") }, child(at(first.name), "action", "downgrade"));
          }
          return true;
        }
        if (path.includes(next) || path.length > 8) continue;
        path.push(next);
        if (visit(next)) return true;
        path.pop();
      }
      return false;
    };
    visit(start);
  }
}
