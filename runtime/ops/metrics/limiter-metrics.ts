/**
 * Metrics of the per-upstream concurrency limits, read at scrape time from the
 * limiters' own counters (nothing is updated per request for metrics):
 *   tollgate_upstream_queued_total{gen_ai_provider_name}          requests that waited for a slot
 *   tollgate_upstream_busy_rejections_total{gen_ai_provider_name} requests refused (queue full or wait too long)
 *   tollgate_upstream_concurrency{gen_ai_provider_name}           requests in flight against the limit (all threads)
 * The two counters are per thread and summed across workers; the gauge is the shared
 * count itself, so it aggregates with `max`, not a sum.
 */
import type { Metric } from "prom-client";
import type { PlanStore } from "../../plan/plan-store.js";
import type { ConcurrencyLimiter } from "../../upstream/concurrency-limiter.js";
import { limiterCounters } from "../../upstream/concurrency-limiter.js";

interface Value {
  labels: Record<string, string>;
  value: number;
}

function family(name: string, help: string, type: "counter" | "gauge", aggregator: "sum" | "max", values: () => Value[]): Metric {
  return {
    name,
    help,
    type,
    aggregator,
    get: async () => ({ name, help, type, aggregator, values: values() }),
  } as unknown as Metric;
}

/** The limiters of the plan being served, one per upstream name. */
export function currentLimiters(store: PlanStore | null): ConcurrencyLimiter[] {
  const found = new Map<string, ConcurrencyLimiter>();
  for (const m of store?.current.models ?? []) {
    for (const t of [...m.weighted, ...m.fallbacks]) if (t.upstream.limiter !== null) found.set(t.upstream.name, t.upstream.limiter);
  }
  return [...found.values()];
}

export function limiterMetrics(store: () => PlanStore | null): Metric[] {
  const counter = (key: "waited" | "rejected"): Value[] => [...limiterCounters].map(([name, c]) => ({ labels: { gen_ai_provider_name: name }, value: c[key] }));
  return [
    family("tollgate_upstream_queued_total", "Requests that waited for a concurrency slot of an upstream.", "counter", "sum", () => counter("waited")),
    family("tollgate_upstream_busy_rejections_total", "Requests refused by an upstream's concurrency limit (queue full, or waited too long).", "counter", "sum", () =>
      counter("rejected"),
    ),
    family("tollgate_upstream_concurrency", "Requests in flight to an upstream that has a concurrency limit, across all worker threads.", "gauge", "max", () =>
      currentLimiters(store()).map((l) => ({ labels: { gen_ai_provider_name: l.name }, value: l.inflight })),
    ),
  ];
}
