/**
 * Reliability metrics: retries by error class, degraded answers, hedged requests, and,
 * read at scrape time from the current plan's health state (nothing per request),
 * upstream ejections and the breaker state per upstream. Labels are bounded: model and
 * provider names from the plan, closed sets for class, scope, reason and outcome; no
 * API key or key index is ever a label.
 */
import { Counter, Gauge, type Metric, type Registry } from "prom-client";
import type { PlanStore } from "../../plan/plan-store.js";
import { HALF_OPEN, OPEN } from "../../reliability/circuit-breaker.js";
import { LightCounter } from "../../base/light-metrics.js";
import type { RequestRecord } from "../../base/request-record.js";

export class ReliabilityMetrics {
  readonly retries: LightCounter;
  readonly degraded: LightCounter;
  readonly hedges: LightCounter;

  constructor(registry: Registry, store: () => PlanStore | null) {
    this.retries = new LightCounter("tollgate_retries_total", "Retries of the same target (backoff, retry-after, or another API key), by the error class that caused them.", [
      "gen_ai_request_model",
      "error_class",
    ]);
    this.degraded = new LightCounter("tollgate_degraded_responses_total", "Requests answered with the model's degraded answer.", ["gen_ai_request_model"]);
    this.hedges = new LightCounter("tollgate_hedged_requests_total", "Requests that started a hedge attempt, by which attempt answered first (primary, hedge).", [
      "gen_ai_request_model",
      "winner",
    ]);
    for (const family of [this.retries, this.degraded, this.hedges]) registry.registerMetric(family as unknown as Metric);
    new Gauge({
      name: "tollgate_upstream_health",
      help: "Circuit breaker of each upstream with `health` (1 closed, 0.5 half-open, 0 open: ejected).",
      labelNames: ["gen_ai_provider_name"],
      registers: [registry],
      collect() {
        this.reset();
        const linked = store()?.current;
        if (linked === undefined) return;
        const state = linked.health.breakers;
        linked.plan.upstreams.forEach((u, slot) => {
          if (!state.tracked(slot)) return;
          const s = state.state[slot];
          this.set({ gen_ai_provider_name: u.name }, s === OPEN ? 0 : s === HALF_OPEN ? 0.5 : 1);
        });
      },
    });
    new Counter({
      name: "tollgate_upstream_ejections_total",
      help: "Ejections on the current plan: an upstream by its circuit breaker (scope endpoint), or one of its API keys after 401/403 (scope key).",
      labelNames: ["gen_ai_provider_name", "scope"],
      registers: [registry],
      collect() {
        this.reset();
        const linked = store()?.current;
        if (linked === undefined) return;
        const { breakers, keys } = linked.health;
        linked.plan.upstreams.forEach((u, slot) => {
          if (breakers.tracked(slot)) this.inc({ gen_ai_provider_name: u.name, scope: "endpoint" }, breakers.ejections[slot] ?? 0);
          const range = linked.health.keyRanges[slot];
          if (range === undefined || range.count === 0) return;
          let n = 0;
          for (let k = range.first; k < range.first + range.count; k++) n += keys.authEjections[k] ?? 0;
          this.inc({ gen_ai_provider_name: u.name, scope: "key" }, n);
        });
      },
    });
  }

  /** Counts a finished request's retries, degraded answer and hedge; nothing when it had none. */
  observe(r: RequestRecord): void {
    const model = r.model?.name;
    if (model === undefined) return;
    if (r.retried !== null) for (const cls of r.retried) this.retries.labels(model, cls).inc();
    if (r.degraded) this.degraded.labels(model).inc();
    if (r.hedge !== 0) this.hedges.labels(model, r.hedge === 2 ? "hedge" : "primary").inc();
  }
}
