/**
 * `tollgate serve --workers N` (N > 1): the main thread of a multi-threaded gateway.
 * Its wiring is the gateway's own (composeGateway in ../gateway.ts): it links the plan
 * too (never to serve: for plan info, the admin listener and to create the shared
 * state) and keeps everything that must exist once per process. What differs is where
 * requests are served: N serving workers (worker-pool.ts), each running a gateway of
 * its own on the shared port. So, here:
 * - reloads (file watch, SIGHUP, POST /admin/reload) are loaded and linked in this
 *   thread, then staged in every worker and committed only when all succeeded;
 * - the admin listener's /metrics sums the workers', and the dashboard is fed by the
 *   workers' statistics deltas and circuit-breaker views;
 * - graceful shutdown drains every worker at once, then they close and the process exits.
 */
import { AggregatorRegistry } from "prom-client";
import type { Plan } from "../../schemas/plan/plan.js";
import { composeGateway, type Gateway, type GatewayOptions } from "../gateway.js";
import { log } from "../base/log.js";
import { STATS_INTERVAL_MS } from "../ops/ops-hub.js";
import { sharedState } from "../state/shared-state-handoff.js";
import { createSharedState } from "../state/shared-state.js";
import { WorkerPool } from "./worker-pool.js";
import { mergeBreakerViews, type BreakerView } from "../ops/breaker-view.js";

export interface WorkerGatewayOptions extends GatewayOptions {
  workers: number;
  /** Called when a worker thread dies: the process should stop (it exits 1). */
  onFatal?: (error: string) => void;
}

export function startWorkerGateway(opts: WorkerGatewayOptions): Promise<Gateway> {
  // Quota counters and the usage ledger: created here, attached by every worker.
  const quotaState = createSharedState();
  // Each worker's last breaker view (the breakers live where the traffic is).
  const workerBreakers = new Map<number, BreakerView>();
  let pool: WorkerPool | null = null;
  return composeGateway(opts, {
    inThisThread: false,
    sharedState: quotaState,
    breakers: () => mergeBreakerViews([...workerBreakers.values()]),
    stage: async (plan: Plan) => pool!.stage(JSON.stringify(plan), sharedState.snapshot()),
    start: async (ctx, _observers, _quotas, metrics) => {
      const started = await WorkerPool.start({
        count: opts.workers,
        planJson: JSON.stringify(opts.plan),
        shared: sharedState.snapshot(),
        quotaState: quotaState.buffers,
        host: ctx.host,
        port: opts.port ?? 8080,
        server: ctx.kind,
        sharePort: opts.sharePort === true,
        env: opts.env === undefined ? null : { ...opts.env },
        stats: ctx.ops !== null,
        statsIntervalMs: STATS_INTERVAL_MS,
        onStats: (delta, breakers, worker) => {
          ctx.ops?.add(delta);
          workerBreakers.set(worker, breakers);
        },
        onCrash: (index, error) => {
          log("error", "a worker thread stopped unexpectedly; the gateway stops so that it can be restarted whole", { worker: index, error });
          opts.onFatal?.(`worker ${index}: ${error}`);
        },
      });
      pool = started;
      return {
        listener: { port: started.port, kind: started.kind, stopAccepting: () => undefined, close: () => started.close() },
        workers: started.size,
        renderMetrics: async () => {
          type Json = Parameters<typeof AggregatorRegistry.aggregate>[0][number];
          const own = (await metrics.registry.getMetricsAsJSON()) as unknown as Json;
          const workers = (await started.metrics()) as unknown as Json[];
          return AggregatorRegistry.aggregate([own, ...workers]).metrics();
        },
        drain: async () => {
          log("info", "draining every worker thread", { workers: started.size });
          const aborted = await started.drain();
          if (aborted > 0) log("warn", "requests ended at the drain deadline", { aborted });
        },
        close: () => started.close(),
      };
    },
  });
}
