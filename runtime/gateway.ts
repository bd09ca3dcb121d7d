/**
 * Starts the runtime on a plan: link, then listen. The runtime's public entry point;
 * it takes a Plan (data) and never anything from the authoring side.
 *
 * Besides the client listener it wires the operations side: metrics and the audit
 * log (observers of every finished request), the admin listener, hot reload from the
 * plan file, and the graceful drain.
 */
import type { Plan } from "../schemas/plan/plan.js";
import { linkPlan } from "./plan/link-plan.js";
import { PlanStore } from "./plan/plan-store.js";
import { ServedPlan } from "./plan/served-plan.js";
import { PlanReloader, type ReloadResult } from "./plan/reload-plan.js";
import { watchPlanFile, type PlanWatcher } from "./base/watch-file.js";
import { createRequestHandler } from "./pipeline/handle-request.js";
import type { Listener, ServerKind } from "./server/exchange.js";
import { listen } from "./server/listen.js";
import { drain } from "./server/drain.js";
import { log } from "./base/log.js";
import { GatewayMetrics } from "./ops/metrics/metrics.js";
import { MetricsObserver } from "./ops/metrics/metrics-observer.js";
import { AuditLog } from "./ops/audit-log.js";
import type { RequestObserver } from "./base/request-record.js";
import { startAdmin } from "./ops/admin/start-admin.js";
import { OpsHub } from "./ops/ops-hub.js";
import { createTraceObserver } from "./ops/tracing/trace-observer.js";
import { QuotaService } from "./stages/quotas/quota-service.js";
import { usageReport } from "./ops/usage-report.js";
import { registerFeatureSections } from "./ops/admin/feature-sections.js";
import type { Clock } from "./base/windows.js";
import type { SharedState } from "./state/shared-state.js";
import { tuneGarbageCollector } from "./server/gc-tuning.js";

export interface GatewayOptions {
  plan: Plan;
  host?: string;
  port?: number;
  server?: ServerKind;
  env?: NodeJS.ProcessEnv;
  /** The file the plan came from: enables reload (SIGHUP, admin, `watch`). */
  planFile?: string;
  /** Reload when the plan file changes. Default true when `planFile` is given. */
  watch?: boolean;
  /** Overrides the admin port of the plan (and enables the admin listener). */
  adminPort?: number;
  /**
   * Start the admin listener, alerts and the statistics window when the plan asks for
   * them. Default true; false in worker threads (the main thread runs them).
   */
  operations?: boolean;
  /** More observers of every finished request (a worker thread's statistics collector). */
  observers?: readonly RequestObserver[];
  /** node:http in worker threads: accept on worker 0's listening descriptor. */
  sharedFd?: number;
  /**
   * The process's shared memory (quota counters, usage ledger). With several worker
   * threads, the main thread creates it (`createSharedState()`) and passes
   * `state.buffers` to each worker, which attaches (`attachSharedState`) and passes it
   * here. Default: a new one (a single-threaded gateway).
   */
  sharedState?: SharedState;
  /** The clock quotas and the ledger use (tests move it). Default Date.now. */
  quotaClock?: Clock;
}

export interface Gateway {
  readonly port: number;
  readonly url: string;
  readonly listener: Listener;
  /** The admin listener, or null when none is configured. */
  readonly admin: Listener | null;
  readonly adminUrl: string | null;
  readonly store: PlanStore;
  readonly metrics: GatewayMetrics;
  /** Live statistics and alerts, or null when nothing reads them (no admin listener, no alert rules). */
  readonly ops: OpsHub | null;
  /** Reloads the plan file; rejects when there is none. */
  reload(reason: string): Promise<ReloadResult>;
  /** Links a plan and prepares it to serve without swapping it in (a worker's half of a reload). */
  stage(plan: Plan): ServedPlan;
  /** Swaps in a staged plan. */
  commit(served: ServedPlan): void;
  /** Graceful shutdown (readiness off, grace, drain up to the deadline), then close. */
  shutdown(): Promise<void>;
  /** Stops listening and closes upstream pools at once. */
  close(): Promise<void>;
}

export async function startGateway(opts: GatewayOptions): Promise<Gateway> {
  tuneGarbageCollector();
  const env = opts.env ?? process.env;
  const linked = linkPlan(opts.plan, env);
  // Worker threads link the same plan as the main thread, which logs its notes once.
  if (opts.operations !== false) for (const note of linked.notes) log("warn", note);
  const served = new ServedPlan(linked);
  const store = new PlanStore(served);
  const metrics = new GatewayMetrics(() => store);
  const metricsObserver = new MetricsObserver(metrics);
  metricsObserver.attach(served);
  metrics.setPlan(linked.hash, linked.plan.compilerVersion);
  const audit = linked.listener.audit === null ? null : new AuditLog(linked.listener.audit);
  const quotaService = new QuotaService({
    metrics,
    env,
    ...(opts.sharedState === undefined ? {} : { sharedState: opts.sharedState }),
    ...(opts.quotaClock === undefined ? {} : { clock: opts.quotaClock }),
    ledger: linked.listener.admin !== null || opts.adminPort !== undefined,
  });
  try {
    quotaService.attach(served);
  } catch (err) {
    await served.close();
    throw err;
  }
  const observers: RequestObserver[] = audit === null ? [quotaService, metricsObserver] : [quotaService, metricsObserver, audit];
  const withOperations = opts.operations !== false;
  const ops = withOperations && OpsHub.wanted(linked.listener) ? new OpsHub(linked.listener, env, true) : null;
  if (ops?.alerts) ops.alerts.planHash = () => store.current.hash;
  if (ops !== null) {
    OpsHub.registerSections(store);
    registerFeatureSections(store, quotaService);
  }
  const traces = createTraceObserver(linked.listener, env);
  if (ops?.collector) observers.push(ops.collector);
  if (traces !== null) observers.push(traces);
  observers.push(...(opts.observers ?? []));

  const reloader =
    opts.planFile === undefined
      ? null
      : new PlanReloader({
          file: opts.planFile,
          store,
          env,
          prepare: (next) => {
            quotaService.attach(next);
            metricsObserver.attach(next);
          },
          onResult: (r) => {
            metrics.reloads.inc({ result: r.ok ? "ok" : "failed" });
            if (r.ok && r.changed) metrics.setPlan(r.hash, store.current.plan.compilerVersion);
          },
        });
  const reload = (reason: string): Promise<ReloadResult> => (reloader === null ? Promise.reject(new Error("no plan file to reload")) : reloader.reload(reason));

  const host = opts.host ?? "127.0.0.1";
  const kind = opts.server ?? "uws";
  let listener: Listener | null = null;
  let admin: Awaited<ReturnType<typeof startAdmin>> = null;
  let watcher: PlanWatcher | null = null;
  const closeAll = async (): Promise<void> => {
    watcher?.close();
    await listener?.close();
    await admin?.listener.close();
    await store.close();
    await audit?.close();
    ops?.close();
    await traces?.close();
    await quotaService.close();
  };
  try {
    await quotaService.ready();
    const handler = createRequestHandler(store, { observers, metrics, traceparent: traces !== null });
    listener = await listen(kind, {
      host,
      port: opts.port ?? 8080,
      handler,
      tls: linked.listener.tls ?? null,
      ...(opts.sharedFd === undefined ? {} : { sharedFd: opts.sharedFd }),
    });
    if (withOperations) {
      admin = await startAdmin({
        kind,
        store,
        metrics,
        env,
        portOverride: opts.adminPort,
        reload: reloader === null ? null : reload,
        ops,
        usage: () => usageReport(quotaService, store),
      });
    }
    if (reloader !== null && opts.planFile !== undefined && opts.watch !== false) {
      watcher = watchPlanFile(opts.planFile, () => void reloader.reload("file changed"));
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  const main = listener;
  let stopping: Promise<void> | null = null;
  return {
    port: main.port,
    url: urlOf(host, main.port, linked.listener.tls !== undefined),
    listener: main,
    admin: admin?.listener ?? null,
    adminUrl: admin?.url ?? null,
    store,
    metrics,
    ops,
    reload,
    stage: (plan) => {
      const served = new ServedPlan(linkPlan(plan, env, store.current));
      quotaService.attach(served);
      metricsObserver.attach(served);
      return served;
    },
    commit: (served) => {
      store.replace(served);
      metrics.setPlan(served.linked.hash, served.linked.plan.compilerVersion);
      for (const note of served.linked.notes) log("warn", note, { plan: served.linked.hash });
    },
    shutdown: () =>
      (stopping ??= (async () => {
        watcher?.close();
        await drain({ store, listeners: [main] }, store.current.listener.shutdown);
        await closeAll();
      })()),
    close: () => {
      store.ready = false;
      return (stopping ??= closeAll());
    },
  };
}

/** `http://host:port` (`https` with TLS), with IPv6 hosts in brackets. */
export function urlOf(host: string, port: number, tls = false): string {
  return `${tls ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}`;
}
