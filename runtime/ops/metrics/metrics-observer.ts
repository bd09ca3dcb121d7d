/**
 * Turns finished requests into metric updates. The label children of a plan's models
 * and upstreams are built once when the plan is attached (before it serves), so a
 * request costs a few array reads and the children's own increments.
 */
import type { LinkedUpstream } from "../../plan/linked-plan.js";
import type { PlanAttachment, ServedPlan } from "../../plan/served-plan.js";
import { STATUS_CLASSES, statusClassIndex, type GatewayMetrics } from "./metrics.js";
import type { GenAiChildren } from "./genai-metrics.js";
import type { LinkedTarget } from "../../plan/linked-plan.js";
import type { AttemptOutcome, EndpointLabel, RequestObserver, RequestRecord } from "../../base/request-record.js";

/** The `gen_ai_operation_name` of each endpoint with upstream attempts. */
const OPERATIONS: Partial<Record<EndpointLabel, string>> = {
  chat_completions: "chat",
  embeddings: "embeddings",
  audio_speech: "speech",
  audio_transcriptions: "transcription",
};

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

/** Children for one public model on one endpoint (built up front for chat, on first use for the others). */
class ModelChildren {
  readonly requests: readonly Inc[];
  readonly duration: Observe;
  readonly firstByte: Observe;
  readonly fallbacks: Inc;

  constructor(m: GatewayMetrics, model: string, endpoint: EndpointLabel = "chat_completions") {
    this.requests = STATUS_CLASSES.map((c) => m.requests.labels(endpoint, model, c));
    this.duration = m.duration.labels(endpoint, model);
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
  /** Children of the other endpoints, by `${endpoint} ${model index}`, made on first use. */
  readonly otherEndpoints = new Map<string, ModelChildren>();
  /** Attempt counters of the other endpoints, by `${operation} ${upstream} ${outcome}`, made on first use. */
  readonly otherAttempts = new Map<string, Inc>();
  /** Per model index, per upstream: token counters. */
  readonly tokens: readonly Map<LinkedUpstream, TokenChildren>[];
  /** Per model index, per target: the GenAI instruments' error-free chat children. */
  readonly genai: readonly Map<LinkedTarget, GenAiChildren>[];

  constructor(m: GatewayMetrics, served: ServedPlan) {
    const linked = served.linked;
    this.models = linked.models.map((model) => new ModelChildren(m, model.name));
    this.tokens = linked.models.map((model) => {
      const byUpstream = new Map<LinkedUpstream, TokenChildren>();
      for (const t of [...model.weighted, ...model.fallbacks]) {
        if (!byUpstream.has(t.upstream))
          byUpstream.set(
            t.upstream,
            TOKEN_TYPES.map((type) => m.tokens.labels(model.name, t.upstream.name, type)),
          );
      }
      return byUpstream;
    });
    this.genai = linked.models.map((model) => {
      const byTarget = new Map<LinkedTarget, GenAiChildren>();
      for (const t of [...model.weighted, ...model.fallbacks]) if (!byTarget.has(t)) byTarget.set(t, m.genai.children("chat", model.name, t.upstream, t.model));
      return byTarget;
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
    const model = r.model === null || plan === undefined ? undefined : r.endpoint === "chat_completions" ? plan.models[r.model.index] : this.#endpointChildren(plan, r);
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
    if (r.cache !== null || r.guardrails !== null) this.metrics.features.observe(r);
    if (r.attempts !== null && plan !== undefined) {
      if (r.endpoint === "chat_completions") for (const a of r.attempts) plan.attempts.get(a.target.upstream)?.get(a.outcome)?.inc();
      else for (const a of r.attempts) this.#otherAttempt(plan, OPERATIONS[r.endpoint] ?? r.endpoint, a.target.upstream.name, a.outcome).inc();
    }
    const operation = OPERATIONS[r.endpoint];
    if (operation !== undefined && r.model !== null) {
      const last = r.lastAttempt;
      const ok = operation === "chat" && last !== null && plan !== undefined ? (plan.genai[r.model.index]?.get(last.target) ?? null) : null;
      this.metrics.genai.observe(r, operation, ok);
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
      // Audio endpoints only (rare next to chat): their children are looked up by label.
      if (usage.audioSeconds !== undefined) this.metrics.audio.labels(r.model.name, last.target.upstream.name, "seconds").inc(usage.audioSeconds);
      if (usage.inputCharacters !== undefined) this.metrics.audio.labels(r.model.name, last.target.upstream.name, "characters").inc(usage.inputCharacters);
    }
  }

  #endpointChildren(plan: PlanMetrics, r: RequestRecord): ModelChildren {
    const key = `${r.endpoint} ${r.model!.index}`;
    let children = plan.otherEndpoints.get(key);
    if (children === undefined) {
      children = new ModelChildren(this.metrics, r.model!.name, r.endpoint);
      plan.otherEndpoints.set(key, children);
    }
    return children;
  }

  #otherAttempt(plan: PlanMetrics, operation: string, upstream: string, outcome: AttemptOutcome): Inc {
    const key = `${operation} ${upstream} ${outcome}`;
    let child = plan.otherAttempts.get(key);
    if (child === undefined) {
      child = this.metrics.attempts.labels(operation, upstream, outcome);
      plan.otherAttempts.set(key, child);
    }
    return child;
  }
}
