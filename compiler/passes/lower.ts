/**
 * Pass: lower. Normalized policy → plan entries with index references: one upstream
 * per provider (policy order), the distinct (upstream, upstream model) targets in
 * first-use order (each model's targets, then its fallbacks), models pointing into
 * `targets`, the listener, and consumers. Route and weight tables are built next.
 * A model's fallbacks are its expanded attempt order, so a fallback to another model
 * is already flattened into that model's targets: the runtime only follows indices.
 */
import { worstCases } from "../analysis/worst-case.js";
import type { PlanConsumer, PlanTarget, PlanUpstream } from "../../schemas/plan/plan.js";
import type { CompileContext } from "../context.js";
import { lowerGuardrails } from "../guardrails/lower-guardrails.js";
import type { LoweredPlan, ModelDraft, NormalizedConsumer, NormalizedPrice, QuotaPolicy } from "../ir.js";
import { attemptSlots } from "../analysis/attempt-slots.js";
import { attemptTargets } from "../analysis/worst-case.js";

/** Lowers the normalized policy to plan entries with index references. */
export function lower(policy: QuotaPolicy, ctx: CompileContext): LoweredPlan {
  const upstreams: PlanUpstream[] = policy.providers.map((p) => ({
    name: p.name,
    adapter: p.kind,
    options: structuredClone(p.options),
    origin: p.origin,
    basePath: p.basePath,
    network: p.network,
    apiKeys: [...p.apiKeys],
    optional: p.optional,
    timeouts: { ...p.timeouts },
    connections: p.connections,
    ...(p.tls === null ? {} : { tls: { ...p.tls } }),
    ...(p.concurrency === null ? {} : { concurrency: { ...p.concurrency } }),
    ...(p.keyWeights !== null ? { keyWeights: [...p.keyWeights] } : {}),
    ...(p.health !== null ? { health: structuredClone(p.health) } : {}),
  }));

  const targets: PlanTarget[] = [];
  const targetIndex = new Map<string, number>();
  // One plan target per (upstream, upstream model); the first entry that knows a price gives it.
  const intern = (upstream: number, model: string, price: NormalizedPrice | null, contextWindow?: number | null): number => {
    const key = JSON.stringify([upstream, model]);
    let index = targetIndex.get(key);
    if (index === undefined) {
      index = targets.length;
      targets.push({ upstream, model });
      targetIndex.set(key, index);
    }
    const target = targets[index]!;
    if (target.price === undefined && price !== null) {
      const { source: _source, ...figures } = price;
      target.price = figures;
    }
    if (target.contextWindow === undefined && contextWindow != null) target.contextWindow = contextWindow;
    return index;
  };

  const models: ModelDraft[] = policy.models.map((m, i) => ({
    name: m.name,
    targets: m.targets.map((t) => ({ target: intern(t.provider, t.model, t.price, t.contextWindow), weight: t.weight })),
    // The whole attempt order; build-weight-tables keeps its order and skips repeats.
    fallbacks: (policy.attempts[i] ?? []).map((step) => intern(step.target.provider, step.target.model, step.target.price, step.target.contextWindow)),
    fallbackOn: (policy.attempts[i] ?? []).map((step) => step.on ?? null),
    // An unwritten attempt budget (0) is every slot the attempt order has.
    reliability:
      m.reliability === null
        ? null
        : { ...m.reliability, maxAttempts: m.reliability.maxAttempts || attemptSlots(attemptTargets(policy, policy.attempts[i] ?? []), m.reliability).length },
    ...(m.selection != null ? { selection: m.selection } : {}),
  }));

  const consumers: PlanConsumer[] = policy.consumers.map((c) => ({
    name: c.name,
    keySha256: c.keys.map((k) => k.value),
    ...(c.hmacKeys === undefined || c.hmacKeys.length === 0 ? {} : { keyHmac: c.hmacKeys.map((k) => k.value) }),
    ...(c.expiry === undefined || c.expiry.length === 0 ? {} : { keyExpiry: Object.fromEntries(c.expiry.map((e) => [e.digest, new Date(e.expiresAt).toISOString()])) }),
    allowedModels: [...c.allowedModels],
    ...(c.team === null ? {} : { team: c.team }),
    ...consumerLabels(c),
  }));

  const guardrails = lowerGuardrails(policy.guardrails, policy.routes, ctx);
  return {
    listener: { ...structuredClone(policy.listener), requestTimeoutMs: requestTimeoutOf(policy) },
    upstreams,
    targets,
    models,
    routes: policy.routes,
    consumers,
    features: policy.features,
    classifiers: policy.classifiers ?? [],
    ...(guardrails === undefined ? {} : { guardrails }),
    ...policy.compiledQuotas,
  };
}

/** A consumer's key names and cost-allocation tags, only when the policy gives some (older plans stay byte-identical). */
function consumerLabels(c: NormalizedConsumer): Pick<PlanConsumer, "keyNames" | "tags" | "keyTags"> {
  const labels = c.keyLabels ?? [];
  return {
    ...(labels.some((k) => k.name !== null) ? { keyNames: labels.map((k) => k.name) } : {}),
    ...(c.tags.size > 0 ? { tags: Object.fromEntries(c.tags) } : {}),
    ...(labels.some((k) => k.tags !== null && k.tags.size > 0) ? { keyTags: labels.map((k) => (k.tags === null || k.tags.size === 0 ? null : Object.fromEntries(k.tags))) } : {}),
  };
}

/** Margin of the default request deadline over the slowest model's worst case: reading the body, guardrails, quotas and writing the answer. */
const REQUEST_DEADLINE_MARGIN_MS = 60_000;

/**
 * The request deadline: the policy's `listener.requestTimeout`, or by default the
 * longest worst-case latency of any model (attempts, retries, backoffs; see
 * analysis/worst-case.ts) plus a margin, so the default never cuts a request short
 * that the policy allows, and still bounds every one.
 */
function requestTimeoutOf(policy: QuotaPolicy): number {
  if (policy.listener.requestTimeoutMs > 0) return policy.listener.requestTimeoutMs;
  const worst = worstCases(policy).reduce((max, w) => Math.max(max, w.latencyMs), 0);
  return worst + REQUEST_DEADLINE_MARGIN_MS;
}
