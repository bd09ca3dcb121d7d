/**
 * Metrics of accounting: cost, quota rejections and store failures (tokens by kind
 * are counted by the metrics observer, `tollgate_tokens_total`).
 * Labels are bounded: model names and quota names come from the plan, token kinds,
 * actions, stores and modes are closed sets; no consumer, team or key is a label.
 */
import { Gauge, type Metric } from "prom-client";
import { LightCounter, type CounterSeries } from "../../base/light-metrics.js";
import type { GatewayMetrics } from "../../ops/metrics/metrics.js";

export class QuotaMetrics {
  readonly cost: LightCounter;
  readonly rejections: LightCounter;
  readonly storeFailures: LightCounter;
  readonly storeUp: Gauge;
  readonly estimatedRequests: LightCounter;
  readonly taggedCost: LightCounter;
  readonly taggedTokens: LightCounter;
  #series = new Map<string, CounterSeries>();
  #tokenSeries = new Map<string, CounterSeries>();

  constructor(
    metrics: GatewayMetrics | null,
    stores: () => readonly { label: string; up: boolean }[] = () => [],
    outboxes: () => readonly {
      name: string;
      storeUp: boolean;
      pending: number;
      spoolBytes: number;
      counts: Readonly<Record<"written" | "spooled" | "replayed" | "dropped", number>>;
    }[] = () => [],
  ) {
    this.cost = new LightCounter("tollgate_cost_usd_total", "Spend in USD of served requests at the serving target's price, by public model.", ["gen_ai_request_model"]);
    this.rejections = new LightCounter("tollgate_quota_rejections_total", "Requests a quota refused, by quota and action (reject: 429; downgrade: served by a cheaper model).", [
      "quota",
      "action",
    ]);
    this.storeFailures = new LightCounter(
      "tollgate_quota_store_failures_total",
      "Quota checks whose store could not answer, by store and mode (open: admitted uncounted; closed: refused with 503).",
      ["store", "mode"],
    );
    this.estimatedRequests = new LightCounter(
      "tollgate_estimated_usage_requests_total",
      "Requests billed on the gateway's estimate (a stream cut by the upstream, the client or a guardrail before the upstream reported usage), by public model.",
      ["gen_ai_request_model"],
    );
    metrics?.registry.registerMetric(this.estimatedRequests as unknown as Metric);
    this.taggedCost = new LightCounter("tollgate_tagged_cost_usd_total", "Spend in USD by cost-allocation tag and value, for the tags `costTags.metrics` names.", ["tag", "value"]);
    this.taggedTokens = new LightCounter("tollgate_tagged_tokens_total", "Tokens by cost-allocation tag and value (tags in `costTags.metrics`), input and output.", [
      "tag",
      "value",
      "gen_ai_token_type",
    ]);
    for (const family of [this.taggedCost, this.taggedTokens]) metrics?.registry.registerMetric(family as unknown as Metric);
    const storeUp: Gauge = new Gauge({
      name: "tollgate_store_up",
      help: "Whether a shared store answers its probe (1) or not (0), by store. Across worker threads the lowest value is shown.",
      labelNames: ["store"],
      registers: [],
      aggregator: "min",
      collect() {
        storeUp.reset();
        for (const s of stores()) storeUp.set({ store: s.label }, s.up ? 1 : 0);
      },
    });
    this.storeUp = storeUp;
    for (const family of [this.cost, this.rejections, this.storeFailures]) metrics?.registry.registerMetric(family as unknown as Metric);
    metrics?.registry.registerMetric(storeUp);
    const records: Gauge = new Gauge({
      name: "tollgate_usage_records",
      help: "Usage records of settled requests per durable store (postgres rows, the fleet ledger), by what happened to them since start: written, spooled (store down), replayed (from the spool), dropped (store, spool and memory full), pending (not yet in the store).",
      labelNames: ["sink", "state"],
      registers: [],
      collect() {
        records.reset();
        for (const o of outboxes()) {
          for (const [state, n] of Object.entries(o.counts)) records.set({ sink: o.name, state }, n);
          records.set({ sink: o.name, state: "pending" }, o.pending);
        }
      },
    });
    const spool: Gauge = new Gauge({
      name: "tollgate_usage_spool_bytes",
      help: "Bytes of usage records waiting in the on-disk spool, by durable store.",
      labelNames: ["sink"],
      registers: [],
      collect() {
        spool.reset();
        for (const o of outboxes()) spool.set({ sink: o.name }, o.spoolBytes);
      },
    });
    const sinkUp: Gauge = new Gauge({
      name: "tollgate_usage_store_up",
      help: "Whether a durable usage store took its last batch (1) or not (0).",
      labelNames: ["sink"],
      registers: [],
      aggregator: "min",
      collect() {
        sinkUp.reset();
        for (const o of outboxes()) sinkUp.set({ sink: o.name }, o.storeUp ? 1 : 0);
      },
    });
    for (const g of [records, spool, sinkUp]) metrics?.registry.registerMetric(g);
  }

  #get(family: LightCounter, a: string, b?: string): CounterSeries {
    const key = `${family.name}\u0000${a}\u0000${b ?? ""}`;
    let s = this.#series.get(key);
    if (s === undefined) {
      s = b === undefined ? family.labels(a) : family.labels(a, b);
      this.#series.set(key, s);
    }
    return s;
  }

  addCost(model: string, usd: number): void {
    if (usd > 0) this.#get(this.cost, model).inc(usd);
  }

  /** Adds a request's spend and tokens to the tagged metrics (tags and values are bounded by the policy). */
  tagged(tags: Readonly<Record<string, string>>, names: readonly string[], usd: number, input: number, output: number): void {
    for (const tag of names) {
      const value = tags[tag];
      if (value === undefined) continue;
      if (usd > 0) this.#get(this.taggedCost, tag, value).inc(usd);
      this.#tokens(tag, value, "input").inc(input);
      this.#tokens(tag, value, "output").inc(output);
    }
  }

  #tokens(tag: string, value: string, type: string): CounterSeries {
    const key = `${tag}\u0000${value}\u0000${type}`;
    let s = this.#tokenSeries.get(key);
    if (s === undefined) this.#tokenSeries.set(key, (s = this.taggedTokens.labels(tag, value, type)));
    return s;
  }

  estimated(model: string): void {
    this.#get(this.estimatedRequests, model).inc();
  }

  rejection(quota: string, action: "reject" | "downgrade"): void {
    this.#get(this.rejections, quota, action).inc();
  }

  storeFailure(store: "local" | "redis", mode: "open" | "closed"): void {
    this.#get(this.storeFailures, store, mode).inc();
  }
}
