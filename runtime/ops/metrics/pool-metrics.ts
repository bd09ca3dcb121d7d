/**
 * Metrics of waiting for an upstream connection (upstream/pool-waits.ts):
 *   tollgate_upstream_pool_queued{gen_ai_provider_name}                attempts waiting for a connection now
 *   tollgate_upstream_pool_wait_seconds{gen_ai_provider_name}          how long each attempt waited (histogram)
 *   tollgate_upstream_pool_wait_timeouts_total{gen_ai_provider_name}   attempts that waited past `timeouts.connectionWait`
 * Each thread has its own pools, so all three are summed across workers. The gauge is
 * read at scrape time from the pools of the plan being served.
 */
import type { Metric } from "prom-client";
import type { PlanStore } from "../../plan/plan-store.js";
import type { UpstreamPool } from "../../upstream/pool.js";
import { poolWaitSeconds, poolWaitTimeouts } from "../../upstream/pool-waits.js";

/** The metric families, for the gateway's registry. */
export function poolMetrics(store: () => PlanStore | null): Metric[] {
  const name = "tollgate_upstream_pool_queued";
  const help = "Upstream attempts waiting for a connection of the provider's pool (all its connections busy, or connecting).";
  const queued = {
    name,
    help,
    type: "gauge",
    aggregator: "sum",
    get: async () => {
      const pools = new Map<UpstreamPool, string>();
      for (const m of store()?.current.models ?? []) for (const t of [...m.weighted, ...m.fallbacks]) pools.set(t.upstream.pool, t.upstream.name);
      const waiting = new Map<string, number>();
      for (const [pool, provider] of pools) waiting.set(provider, (waiting.get(provider) ?? 0) + pool.waits.waiting);
      return { name, help, type: "gauge", aggregator: "sum", values: [...waiting].map(([provider, value]) => ({ labels: { gen_ai_provider_name: provider }, value })) };
    },
  };
  return [queued, poolWaitSeconds, poolWaitTimeouts] as unknown as Metric[];
}
