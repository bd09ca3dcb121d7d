/**
 * The gateway's Prometheus metrics (prom-client, a private registry): the OpenTelemetry
 * GenAI instruments under their Prometheus names (genai-metrics.ts), the Node runtime
 * instruments (runtime-metrics.ts), and the gateway's own `tollgate_*` families (status
 * classes, attempts by outcome, fallbacks, quotas, caches, breakers: what the conventions
 * have no instrument for). Labels stay bounded: model and provider names come from the
 * plan only, a requested name that matched no route is `unmatched`, and no key or
 * consumer ever becomes a label. The same families are exported as OTLP metrics when
 * configured (otlp-metrics.ts).
 *
 * Hot path: the per-request metrics are light-metrics.ts families (plain numbers,
 * rendered through the same registry); their series are looked up once and cached
 * (per plan model and upstream in PlanMetrics, per endpoint here).
 */
import { Counter, Gauge, Registry, type Metric } from "prom-client";
import { LightCounter, LightHistogram } from "../../base/light-metrics.js";
import type { PlanStore } from "../../plan/plan-store.js";
import type { EndpointLabel } from "../../base/request-record.js";
import { limiterMetrics } from "./limiter-metrics.js";
import { poolMetrics } from "./pool-metrics.js";
import { ReliabilityMetrics } from "./reliability-metrics.js";
import { FeatureMetrics } from "./feature-metrics.js";
import { GenAiMetrics } from "./genai-metrics.js";
import { registerRuntimeMetrics } from "./runtime-metrics.js";

/** Request duration buckets (s): the GenAI duration buckets (0.01 … 81.92, doubling) plus sub-10 ms for gateway-only answers. */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
/** Time-to-first-byte buckets (s): `gen_ai.server.time_to_first_token`'s advisory buckets. */
const TTFB_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** Status classes, by index: see `statusClassIndex`. */
export const STATUS_CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx", "aborted"] as const;

/** Index into STATUS_CLASSES; 499 (client closed) is `aborted`. */
export function statusClassIndex(status: number): number {
  if (status === 499 || status === 0) return 5;
  return Math.min(Math.max(Math.floor(status / 100), 1), 5) - 1;
}

/** The model label of a request that has no plan model: it matched nothing, or never named one. */
export type NoModelLabel = "unmatched" | "none";

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests: LightCounter;
  readonly duration: LightHistogram;
  readonly firstByte: LightHistogram;
  readonly attempts: LightCounter;
  readonly fallbacks: LightCounter;
  readonly tokens: LightCounter;
  /** Audio units (seconds transcribed, characters spoken), where tokens do not apply. */
  readonly audio: LightCounter;
  readonly reloads: Counter<"result">;
  readonly planInfo: Gauge<"hash" | "compiler_version">;
  /** Retries, degraded answers, hedges, ejections and breaker states. */
  readonly reliability: ReliabilityMetrics;
  readonly features: FeatureMetrics;
  /** The OpenTelemetry GenAI instruments (genai-metrics.ts). */
  readonly genai = new GenAiMetrics();
  /** Children for requests without a plan model, by `${endpoint}` then no-model label then status class. */
  #noModel = new Map<string, { inc(): void }[]>();
  #noModelDuration = new Map<string, { observe(v: number): void }>();

  constructor(store: () => PlanStore | null) {
    const registers = [this.registry];
    this.requests = new LightCounter("tollgate_requests_total", "Requests answered, by endpoint, public model and status class (aborted: the client went away).", [
      "endpoint",
      "gen_ai_request_model",
      "status_class",
    ]);
    this.duration = new LightHistogram(
      "tollgate_request_duration_seconds",
      "Time from request start to the last response byte.",
      ["endpoint", "gen_ai_request_model"],
      DURATION_BUCKETS,
    );
    this.firstByte = new LightHistogram(
      "tollgate_time_to_first_byte_seconds",
      "Streams: time from request start to the first relayed byte (the upstream's first chunk).",
      ["gen_ai_request_model"],
      TTFB_BUCKETS,
    );
    this.attempts = new LightCounter("tollgate_upstream_attempts_total", "Upstream attempts by provider and outcome (success, 4xx, 5xx, timeout, connect, interrupted, aborted).", [
      "gen_ai_operation_name",
      "gen_ai_provider_name",
      "outcome",
    ]);
    this.fallbacks = new LightCounter("tollgate_fallbacks_total", "Times a request moved on to another target after a failed attempt.", ["gen_ai_request_model"]);
    this.tokens = new LightCounter(
      "tollgate_tokens_total",
      "Tokens of answered requests by public model, provider and type (input, output; cached_input, cache_creation and reasoning are parts of those), as the provider reported them.",
      ["gen_ai_request_model", "gen_ai_provider_name", "gen_ai_token_type"],
    );
    this.audio = new LightCounter(
      "tollgate_audio_usage_total",
      "Audio endpoints' usage by public model, provider and unit: `seconds` of audio transcribed, `characters` turned into speech.",
      ["gen_ai_request_model", "gen_ai_provider_name", "unit"],
    );
    for (const family of [this.requests, this.duration, this.firstByte, this.attempts, this.fallbacks, this.tokens, this.audio, ...this.genai.families]) {
      this.registry.registerMetric(family as unknown as Metric);
    }
    registerRuntimeMetrics(this.registry);
    this.reliability = new ReliabilityMetrics(this.registry, store);
    this.features = new FeatureMetrics(this.registry);
    this.reloads = new Counter({
      name: "tollgate_plan_reloads_total",
      help: "Plan reloads by result (ok, failed).",
      labelNames: ["result"],
      registers,
    });
    this.planInfo = new Gauge({
      name: "tollgate_plan_info",
      help: "The plan being served (value 1).",
      labelNames: ["hash", "compiler_version"],
      registers,
      // Worker threads serve the same plan: their expositions merge into one series, not a sum.
      aggregator: "max",
    });
    new Gauge({
      name: "tollgate_inflight_requests",
      help: "Requests in progress, on every plan still serving.",
      registers,
      // Read at scrape time from the plans' own counters: nothing to update per request.
      collect() {
        this.set(store()?.inflight ?? 0);
      },
    });
    for (const family of limiterMetrics(store)) this.registry.registerMetric(family);
    for (const family of poolMetrics(store)) this.registry.registerMetric(family);
    this.reloads.inc({ result: "ok" }, 0);
    this.reloads.inc({ result: "failed" }, 0);
  }

  /** The request counter child for a request without a plan model. */
  noModelRequests(endpoint: EndpointLabel, label: NoModelLabel, statusClass: number): { inc(): void } {
    const key = `${endpoint} ${label}`;
    let row = this.#noModel.get(key);
    if (row === undefined) {
      row = STATUS_CLASSES.map((c) => this.requests.labels(endpoint, label, c));
      this.#noModel.set(key, row);
    }
    return row[statusClass]!;
  }

  /** The duration child for a request without a plan model. */
  noModelDuration(endpoint: EndpointLabel, label: NoModelLabel): { observe(v: number): void } {
    const key = `${endpoint} ${label}`;
    let child = this.#noModelDuration.get(key);
    if (child === undefined) {
      child = this.duration.labels(endpoint, label);
      this.#noModelDuration.set(key, child);
    }
    return child;
  }

  /** Marks `hash` as the plan being served. */
  setPlan(hash: string, compilerVersion: string): void {
    this.planInfo.reset();
    this.planInfo.set({ hash, compiler_version: compilerVersion }, 1);
  }

  /** The Prometheus text exposition. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
