/**
 * Metrics of the request features: cache lookups by kind and result, and guardrail
 * findings by direction, detector and action, plus blocks. Labels are closed sets
 * (cache results; the guardrail catalog's detector names and actions), never a rule's
 * text, a matched value or a consumer. Counted from the request record at its end, so
 * requests without these features pay one null check each.
 */
import type { Metric, Registry } from "prom-client";
import { LightCounter } from "../../base/light-metrics.js";
import type { RequestRecord } from "../../base/request-record.js";

/** How a request met the response cache (`x-tollgate-cache` values, hits split by kind). */
export type CacheOutcome = "hit_exact" | "hit_semantic" | "miss" | "bypass" | "refresh" | "skip";

export class FeatureMetrics {
  readonly cache: LightCounter;
  readonly findings: LightCounter;
  readonly blocks: LightCounter;

  constructor(registry: Registry) {
    this.cache = new LightCounter("tollgate_cache_lookups_total", "Response cache lookups by result (hit_exact, hit_semantic, miss, bypass, refresh, skip: not cacheable).", [
      "gen_ai_request_model",
      "result",
    ]);
    this.findings = new LightCounter(
      "tollgate_guardrail_findings_total",
      "Guardrail findings by direction (input, output), detector and the action taken (block, redact, mask, flag).",
      ["direction", "detector", "action"],
    );
    this.blocks = new LightCounter("tollgate_guardrail_blocks_total", "Requests or answers stopped by a guardrail, by direction.", ["direction"]);
    for (const family of [this.cache, this.findings, this.blocks]) registry.registerMetric(family as unknown as Metric);
  }

  observe(r: RequestRecord): void {
    if (r.cache !== null) this.cache.labels(r.model?.name ?? "none", r.cache).inc();
    const g = r.guardrails;
    if (g === null) return;
    for (const f of g.findings) this.findings.labels(f.direction, f.detector, f.action).inc(f.count);
    if (g.blocked !== null) this.blocks.labels(g.blocked.direction).inc();
  }
}
