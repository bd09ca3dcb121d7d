/**
 * Turns finished requests into metric updates. The label children of a plan's models
 * and upstreams are built once when the plan is attached (before it serves), so a
 * request costs a few array reads and the children's own increments.
 */
import type { LinkedUpstream } from "../plan/linked-plan.js";
import type { PlanAttachment, ServedPlan } from "../plan/served-plan.js";
import { STATUS_CLASSES, statusClassIndex, type GatewayMetrics } from "./metrics.js";
import type { AttemptOutcome, RequestObserver, RequestRecord } from "./request-record.js";

interface Inc {
  inc(value?: number): void;
}
interface Observe {
  observe(value: number): void;
}

const OUTCOMES: readonly AttemptOutcome[] = ["success", "4xx", "5xx", "timeout", "connect", "interrupted", "aborted"];

/** The `gen_ai_token_type` label values, in the order of TokenChildren. */
export const TOKEN_TYPES = ["input", "output", "cached_input", "cache_creation", "reasoning"] as const;

/** Token counters of one (model, provider) pair, in TOKEN_TYPES order. */
type TokenChildren = readonly Inc[];

/** Children for one public model (chat completions is the only endpoint with a model). */
class ModelChildren {
  readonly requests: readonly Inc[];
  readonly duration: Observe;
  readonly firstByte: Observe;
  readonly fallbacks: Inc;

  constructor(m: GatewayMetrics, model: string) {
    this.requests = STATUS_CLASSES.map((c) => m.requests.labels("chat_completions", model, c));
    this.duration = m.duration.labels("chat_completions", model);
    this.firstByte = m.firstByte.labels(model);
    this.fallbacks = m.fallbacks.labels(model);
  }
}

/** The metric children of one served plan. */
class PlanMetrics implements PlanAttachment {
  /** By LinkedModel.index. */
  readonly models: readonly ModelChildren[];
  /** Per upstream: attempt counters by outcome. */
  readonly attempts = new Map<LinkedUpstream, ReadonlyMap<AttemptOutcome, Inc>>();
  /** Per model index, per upstream: token counters. */
  readonly tokens: readonly Map<LinkedUpstream, TokenChildren>[];

  constructor(m: GatewayMetrics, served: ServedPlan) {
    const linked = served.linked;
    this.models = linked.models.map((model) => new ModelChildren(m, model.name));
    this.tokens = linked.models.map((model) => {
      const byUpstream = new Map<LinkedUpstream, TokenChildren>();
      for (const t of [...model.weighted, ...model.fallbacks]) {
        if (!byUpstream.has(t.upstream)) byUpstream.set(t.upstream, TOKEN_TYPES.map((type) => m.tokens.labels(model.name, t.upstream.name, type)));
      }
      return byUpstream;
    });
    for (const model of linked.models) {
      for (const t of [...model.weighted, ...model.fallbacks]) {
        if (this.attempts.has(t.upstream)) continue;
        this.attempts.set(t.upstream, new Map(OUTCOMES.map((o) => [o, m.attempts.labels("chat", t.upstream.name, o)])));
      }
    }
  }

  /** Children stay in the registry: counters of a retired plan's models keep their totals. */
  dispose(): void {}
}

/** Implements {@link RequestObserver} for Prometheus metrics. */
export class MetricsObserver implements RequestObserver {
  readonly metrics: GatewayMetrics;

  constructor(metrics: GatewayMetrics) {
    this.metrics = metrics;
  }

  /** Builds the plan's children; call before the plan serves its first request. */
  attach(served: ServedPlan): void {
    served.attachments.set(this, new PlanMetrics(this.metrics, served));
  }

  observe(r: RequestRecord): void {
    const seconds = r.durationMs / 1000;
    const cls = statusClassIndex(r.status);
    const plan = r.served.attachments.get(this) as PlanMetrics | undefined;
    const model = r.model === null || plan === undefined ? undefined : plan.models[r.model.index];
    if (model === undefined) {
      const label = r.requestedModel === null ? "none" : "unmatched";
      this.metrics.noModelRequests(r.endpoint, label, cls).inc();
      this.metrics.noModelDuration(r.endpoint, label).observe(seconds);
    } else {
      model.requests[cls]!.inc();
      model.duration.observe(seconds);
      if (r.stream && r.firstByteMs >= 0) model.firstByte.observe(r.firstByteMs / 1000);
      if (r.fallbacks > 0) model.fallbacks.inc(r.fallbacks);
      if (r.retried !== null || r.degraded || r.hedge !== 0) this.metrics.reliability.observe(r);
    }
    if (r.attempts !== null && plan !== undefined) {
      for (const a of r.attempts) plan.attempts.get(a.target.upstream)?.get(a.outcome)?.inc();
    }
    const usage = r.usage;
    const last = r.lastAttempt;
    if (usage !== null && last !== null && r.model !== null && plan !== undefined) {
      const t = plan.tokens[r.model.index]?.get(last.target.upstream);
      if (t !== undefined) {
        t[0]!.inc(usage.inputTokens);
        t[1]!.inc(usage.outputTokens);
        t[2]!.inc(usage.cachedInputTokens);
        t[3]!.inc(usage.cacheCreationTokens);
        t[4]!.inc(usage.reasoningTokens);
      }
    }
  }
}
