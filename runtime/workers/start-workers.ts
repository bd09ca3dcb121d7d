/**
 * `tollgate serve --workers N` (N > 1): the main thread of a multi-threaded gateway.
 * It links the plan too (never to serve: for plan info, the admin listener and to
 * create the shared state), starts N serving workers (worker-pool.ts), and keeps
 * everything that must exist once per process:
 * - reloads (file watch, SIGHUP, POST /admin/reload): load and validate here, link
 *   here (which creates any new shared state), then stage in every worker and commit
 *   only when all succeeded;
 * - the admin listener: plan info, reload, /metrics summed over the workers, alerts,
 *   the dashboard (fed by the workers' statistics deltas);
 * - graceful shutdown: every worker drains at once, then they close and the process exits.
 */
import { AggregatorRegistry } from "prom-client";
import type { Plan } from "../../schemas/plan/plan.js";
import type { Gateway, GatewayOptions } from "../gateway.js";
import { urlOf } from "../gateway.js";
import { linkPlan } from "../plan/link-plan.js";
import { PlanStore } from "../plan/plan-store.js";
import { ServedPlan } from "../plan/served-plan.js";
import { PlanReloader, type ReloadResult } from "../plan/reload-plan.js";
import { watchPlanFile, type PlanWatcher } from "../base/watch-file.js";
import { log } from "../base/log.js";
import { GatewayMetrics } from "../ops/metrics/metrics.js";
import { startAdmin } from "../ops/admin/start-admin.js";
import { OpsHub, STATS_INTERVAL_MS } from "../ops/ops-hub.js";
import type { Listener } from "../server/exchange.js";
import { sharedState } from "../state/shared-state-handoff.js";
import { createSharedState } from "../state/shared-state.js";
import { QuotaService } from "../stages/quotas/quota-service.js";
import { usageReport } from "../ops/usage-report.js";
import { WorkerPool } from "./worker-pool.js";
import { registerFeatureSections } from "../ops/admin/feature-sections.js";
import { mergeBreakerViews, type BreakerView } from "../ops/breaker-view.js";

export interface WorkerGatewayOptions extends GatewayOptions {
  workers: number;
  /** Called when a worker thread dies: the process should stop (it exits 1). */
  onFatal?: (error: string) => void;
}

export async function startWorkerGateway(opts: WorkerGatewayOptions): Promise<Gateway> {
  const env = opts.env ?? process.env;
  // Linking here first creates the shared state every worker then attaches to.
  const linked = linkPlan(opts.plan, env);
  for (const note of linked.notes) log("warn", note);
  const mainServed = new ServedPlan(linked);
  const store = new PlanStore(mainServed);
  // Quota counters and the usage ledger: created here, attached by every worker. This
  // thread's QuotaService only reads them (GET /admin/usage); its metrics are the workers'.
  const quotaState = createSharedState();
  const quotas = new QuotaService({ metrics: null, env, sharedState: quotaState, ledger: linked.listener.admin !== null || opts.adminPort !== undefined });
  try {
    quotas.attach(mainServed);
    await quotas.ready();
  } catch (err) {
    await quotas.close();
    await store.close();
    throw err;
  }
  const metrics = new GatewayMetrics(() => null);
  metrics.setPlan(linked.hash, linked.plan.compilerVersion);
  const ops = OpsHub.wanted(linked.listener) ? new OpsHub(linked.listener, env, false) : null;
  // Each worker's last breaker view (the breakers live where the traffic is).
  const workerBreakers = new Map<number, BreakerView>();
  if (ops !== null) {
    OpsHub.registerSections(store);
    registerFeatureSections(store, quotas, () => mergeBreakerViews([...workerBreakers.values()]));
    if (ops.alerts !== null) ops.alerts.planHash = () => store.current.hash;
  }
  const host = opts.host ?? "127.0.0.1";
  const kind = opts.server ?? "uws";
  const pool = await WorkerPool.start({
    count: opts.workers,
    planJson: JSON.stringify(opts.plan),
    shared: sharedState.snapshot(),
    quotaState: quotaState.buffers,
    host,
    port: opts.port ?? 8080,
    server: kind,
    env: opts.env === undefined ? null : { ...opts.env },
    stats: ops !== null,
    statsIntervalMs: STATS_INTERVAL_MS,
    onStats: (delta, breakers, worker) => {
      ops?.add(delta);
      workerBreakers.set(worker, breakers);
    },
    onCrash: (index, error) => {
      log("error", "a worker thread stopped unexpectedly; the gateway stops so that it can be restarted whole", { worker: index, error });
      opts.onFatal?.(`worker ${index}: ${error}`);
    },
  }).catch(async (err: unknown) => {
    ops?.close();
    await quotas.close();
    await store.close();
    throw err;
  });

  const reloader =
    opts.planFile === undefined
      ? null
      : new PlanReloader({
          file: opts.planFile,
          store,
          env,
          prepare: (next) => quotas.attach(next),
          stage: async (plan: Plan) => pool.stage(JSON.stringify(plan), sharedState.snapshot()),
          onResult: (r) => {
            metrics.reloads.inc({ result: r.ok ? "ok" : "failed" });
            if (r.ok && r.changed) metrics.setPlan(r.hash, store.current.plan.compilerVersion);
          },
        });
  const reload = (reason: string): Promise<ReloadResult> => (reloader === null ? Promise.reject(new Error("no plan file to reload")) : reloader.reload(reason));

  const renderMetrics = async (): Promise<string> => {
    type Json = Parameters<typeof AggregatorRegistry.aggregate>[0][number];
    const own = (await metrics.registry.getMetricsAsJSON()) as unknown as Json;
    const workers = (await pool.metrics()) as unknown as Json[];
    return AggregatorRegistry.aggregate([own, ...workers]).metrics();
  };

  let admin: Awaited<ReturnType<typeof startAdmin>> = null;
  let watcher: PlanWatcher | null = null;
  const closeAll = async (): Promise<void> => {
    watcher?.close();
    ops?.close();
    await pool.close();
    await admin?.listener.close();
    await quotas.close();
    await store.close();
  };
  try {
    admin = await startAdmin({
      kind,
      store,
      metrics,
      env,
      portOverride: opts.adminPort,
      reload: reloader === null ? null : reload,
      ops,
      renderMetrics,
      workers: pool.size,
      usage: () => usageReport(quotas, store),
    });
    if (reloader !== null && opts.planFile !== undefined && opts.watch !== false) {
      watcher = watchPlanFile(opts.planFile, () => void reloader.reload("file changed"));
    }
  } catch (err) {
    await closeAll();
    throw err;
  }

  const listener: Listener = {
    port: pool.port,
    kind: pool.kind,
    stopAccepting: () => undefined,
    close: () => pool.close(),
  };
  let stopping: Promise<void> | null = null;
  return {
    port: pool.port,
    url: urlOf(host, pool.port, linked.listener.tls !== undefined),
    listener,
    admin: admin?.listener ?? null,
    adminUrl: admin?.url ?? null,
    store,
    metrics,
    ops,
    reload,
    stage: () => {
      throw new Error("the main thread of a worker gateway stages plans through its workers");
    },
    commit: () => {
      throw new Error("the main thread of a worker gateway commits plans through its workers");
    },
    shutdown: () =>
      (stopping ??= (async () => {
        watcher?.close();
        store.ready = false;
        log("info", "draining every worker thread", { workers: pool.size });
        const aborted = await pool.drain();
        if (aborted > 0) log("warn", "requests ended at the drain deadline", { aborted });
        await closeAll();
      })()),
    close: () => {
      store.ready = false;
      return (stopping ??= closeAll());
    },
  };
}
