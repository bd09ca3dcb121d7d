/**
 * The runtime's composition root: takes a Plan (data, never anything from the
 * authoring side), links it and wires everything around it, in one place:
 * the plan store, quotas and the usage ledger, metrics, the audit log and traces
 * (observers of every finished request), statistics and alerts, the admin listener,
 * hot reload from the plan file, and the graceful drain.
 *
 * Requests are served either here, on one client listener (`startGateway`), or in
 * worker threads that each run a `startGateway` of their own (`serve --workers N`,
 * runtime/workers/): the worker starter hands `composeGateway` its own serving side,
 * and everything else is this same wiring.
 */
import type { Plan } from "../schemas/plan/plan.js";
import type { LinkedPlan } from "./plan/linked-plan.js";
import { linkPlan } from "./plan/link-plan.js";
import { PlanStore } from "./plan/plan-store.js";
import { ServedPlan } from "./plan/served-plan.js";
import { PlanReloader, type ReloadResult, type ReloaderOptions } from "./plan/reload-plan.js";
import { watchPlanFile, type PlanWatcher } from "./base/watch-file.js";
import { createRequestHandler } from "./pipeline/handle-request.js";
import type { Listener, ServerKind } from "./server/exchange.js";
import { listen } from "./server/listen.js";
import { chooseListener, type ServerChoice } from "./server/choose-listener.js";
import { drain } from "./server/drain.js";
import { log } from "./base/log.js";
import { GatewayMetrics } from "./ops/metrics/metrics.js";
import { MetricsObserver } from "./ops/metrics/metrics-observer.js";
import { startOtlpMetrics } from "./ops/metrics/otlp-metrics.js";
import { credentialsReady } from "./plan/link-credentials.js";
import type { RequestObserver } from "./base/request-record.js";
import { startAdmin } from "./ops/admin/start-admin.js";
import { OpsHub } from "./ops/ops-hub.js";
import { createTraceObserver } from "./ops/tracing/trace-observer.js";
import { QuotaService } from "./stages/quotas/quota-service.js";
import { usageReport } from "./ops/usage-report.js";
import { registerFeatureSections } from "./ops/admin/feature-sections.js";
import type { BreakerView } from "./ops/breaker-view.js";
import type { Clock } from "./base/windows.js";
import type { SharedState } from "./state/shared-state.js";
import { tuneGarbageCollector } from "./server/gc-tuning.js";
import { StateFile } from "./state/state-file.js";
import { startForecastGauges } from "./ops/forecast-gauges.js";
import type { EdgeLimits } from "./server/edge-limits.js";

export interface GatewayOptions {
  plan: Plan;
  host?: string;
  port?: number;
  /** node, uws, or auto (the default): node:http, the listener safe to expose directly (server/choose-listener.ts). */
  server?: ServerChoice;
  /** Replaces some limits of the client listener (server/edge-limits.ts); tests shorten its timeouts. Default: EDGE_LIMITS. */
  edgeLimits?: Partial<EdgeLimits>;
  env?: NodeJS.ProcessEnv;
  /** The file the plan came from: enables reload (SIGHUP, admin, `watch`). */
  planFile?: string;
  /** Reload when the plan file changes. Default true when `planFile` is given. */
  watch?: boolean;
  /** Bind the client and admin ports even when another process listens there (`--share-port`). Default false: refused. */
  sharePort?: boolean;
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

/** What a serving side needs from the wiring when it starts. */
export interface ServeContext {
  readonly linked: LinkedPlan;
  readonly store: PlanStore;
  readonly ops: OpsHub | null;
  readonly host: string;
  readonly kind: ServerKind;
  /** Traces are on: keep each request's `traceparent` on its record. */
  readonly traceparent: boolean;
}

/** Where requests are served: one client listener in this thread, or worker threads. */
export interface Serving {
  readonly listener: Listener;
  /** The admin listener's /metrics; default this thread's registry. */
  readonly renderMetrics?: () => Promise<string>;
  /** Serving threads, for the dashboard. */
  readonly workers: number;
  /** Drains in-flight requests (graceful shutdown). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** How requests are served, as composeGateway needs to know it. */
export interface ServingSide {
  /** True when requests are served in this thread: its observers (metrics, audit, traces, statistics) are attached here. */
  readonly inThisThread: boolean;
  /** The shared memory of quota counters and the ledger (worker mode: created here, attached by the workers). */
  readonly sharedState?: SharedState;
  /** Worker mode: the circuit breakers the dashboard shows (they live where the traffic is). */
  readonly breakers?: () => BreakerView;
  /** Worker mode: every worker stages a reloaded plan before it is committed. */
  readonly stage?: ReloaderOptions["stage"];
  /** Starts serving; `observers` are the per-request observers wired here. */
  start(ctx: ServeContext, observers: readonly RequestObserver[], quotas: QuotaService, metrics: GatewayMetrics): Promise<Serving>;
}

/** Starts a gateway that serves requests in this thread. */
export function startGateway(opts: GatewayOptions): Promise<Gateway> {
  tuneGarbageCollector();
  return composeGateway(opts, {
    inThisThread: true,
    ...(opts.sharedState === undefined ? {} : { sharedState: opts.sharedState }),
    start: async (ctx, observers, _quotas, metrics) => {
      const handler = createRequestHandler(ctx.store, { observers, metrics, traceparent: ctx.traceparent });
      const listener = await listen(ctx.kind, {
        host: ctx.host,
        port: opts.port ?? 8080,
        handler,
        tls: ctx.linked.listener.tls ?? null,
        ...(opts.sharedFd === undefined ? {} : { sharedFd: opts.sharedFd }),
        sharePort: opts.sharePort === true,
        ...(opts.edgeLimits === undefined ? {} : { limits: opts.edgeLimits }),
      });
      return {
        listener,
        workers: 1,
        drain: async () => void (await drain({ store: ctx.store, listeners: [listener] }, ctx.store.current.listener.shutdown)),
        close: () => listener.close(),
      };
    },
  });
}

/** The one wiring of every gateway; `side` says where requests are served. */
export async function composeGateway(opts: GatewayOptions, side: ServingSide): Promise<Gateway> {
  const env = opts.env ?? process.env;
  const withOperations = opts.operations !== false;
  const linked = linkPlan(opts.plan, env);
  // Cloud identities fetch their first token before the gateway serves (a failure is logged; requests then retry it).
  await credentialsReady([...new Set(linked.models.flatMap((m) => [...m.weighted, ...m.fallbacks].map((t) => t.upstream.credentials)))]);
  // Worker threads link the same plan as the main thread, which logs its notes once.
  if (withOperations) for (const note of linked.notes) log("warn", note);
  const served = new ServedPlan(linked);
  const store = new PlanStore(served);
  const local = side.inThisThread;
  const metrics = new GatewayMetrics(() => (local ? store : null));
  metrics.setPlan(linked.hash, linked.plan.compilerVersion);
  const metricsObserver = local ? new MetricsObserver(metrics) : null;
  metricsObserver?.attach(served);
  const quotas = new QuotaService({
    // Worker mode: this thread only reads the shared counters (GET /admin/usage); the workers count.
    metrics: local ? metrics : null,
    env,
    ...(side.sharedState === undefined ? {} : { sharedState: side.sharedState }),
    ...(opts.quotaClock === undefined ? {} : { clock: opts.quotaClock }),
    ledger: linked.listener.admin !== null || opts.adminPort !== undefined,
  });
  let stateFile: StateFile | null = null;
  try {
    quotas.attach(served);
    // The thread that owns the shared memory (the main thread) persists it; restored before anything serves.
    stateFile = withOperations ? openStateFile(linked, quotas) : null;
  } catch (err) {
    await quotas.close();
    await served.close();
    throw err;
  }
  store.unready = () => quotas.unreadyReason(store.served);
  // Imported only when the plan has an audit log: pino and its writer stay out of other processes.
  const audit = local && linked.listener.audit !== null ? new (await import("./ops/audit-log.js")).AuditLog(linked.listener.audit) : null;
  const ops = withOperations && OpsHub.wanted(linked.listener) ? new OpsHub(linked.listener, env, local) : null;
  if (ops !== null) {
    if (ops.alerts !== null) ops.alerts.planHash = () => store.current.hash;
    OpsHub.registerSections(store);
    registerFeatureSections(store, quotas, side.breakers);
  }
  const traces = local ? createTraceObserver(linked.listener, env) : null;
  // OTLP metrics beside the traces, where requests are counted (each serving thread); configured by OTEL_* variables.
  const metricsExport = local ? startOtlpMetrics(metrics.registry, env) : null;
  const observers: RequestObserver[] = local ? [quotas, metricsObserver!] : [];
  if (audit !== null) observers.push(audit);
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
            quotas.attach(next);
            metricsObserver?.attach(next);
          },
          ...(side.stage === undefined ? {} : { stage: side.stage }),
          onResult: (r) => {
            metrics.reloads.inc({ result: r.ok ? "ok" : "failed" });
            if (r.ok && r.changed) metrics.setPlan(r.hash, store.current.plan.compilerVersion);
          },
        });
  const reload = (reason: string): Promise<ReloadResult> => (reloader === null ? Promise.reject(new Error("no plan file to reload")) : reloader.reload(reason));

  const host = opts.host ?? "127.0.0.1";
  const kind = chooseListener(opts.server ?? "auto");
  let serving: Serving | null = null;
  let admin: Awaited<ReturnType<typeof startAdmin>> = null;
  let watcher: PlanWatcher | null = null;
  let stopForecasts: () => void = () => undefined;
  const closeAll = async (): Promise<void> => {
    stopForecasts();
    watcher?.close();
    ops?.close();
    await serving?.close();
    await admin?.listener.close();
    await store.close();
    await audit?.close();
    await traces?.close();
    await metricsExport?.close();
    await quotas.close();
    // Last: every request has been settled into the tables by now.
    await stateFile?.close();
  };
  try {
    await quotas.ready();
    serving = await side.start({ linked, store, ops, host, kind, traceparent: traces !== null }, observers, quotas, metrics);
    if (withOperations) {
      admin = await startAdmin({
        kind,
        store,
        metrics,
        env,
        portOverride: opts.adminPort,
        sharePort: opts.sharePort === true,
        reload: reloader === null ? null : reload,
        ops,
        ...(serving.renderMetrics === undefined ? {} : { renderMetrics: serving.renderMetrics }),
        workers: serving.workers,
        usage: () => usageReport(quotas, store),
      });
      stopForecasts = startForecastGauges(metrics.registry, quotas, store);
    }
    if (reloader !== null && opts.planFile !== undefined && opts.watch !== false) {
      watcher = watchPlanFile(opts.planFile, () => void reloader.reload("file changed"));
    }
  } catch (err) {
    await closeAll();
    throw err;
  }
  const main = serving;
  let stopping: Promise<void> | null = null;
  return {
    port: main.listener.port,
    url: urlOf(host, main.listener.port, linked.listener.tls !== undefined),
    listener: main.listener,
    admin: admin?.listener ?? null,
    adminUrl: admin?.url ?? null,
    store,
    metrics,
    ops,
    reload,
    stage: (plan) => {
      if (!local) throw new Error("the main thread of a worker gateway stages plans through its workers");
      const next = new ServedPlan(linkPlan(plan, env, store.current));
      quotas.attach(next);
      metricsObserver?.attach(next);
      return next;
    },
    commit: (next) => {
      if (!local) throw new Error("the main thread of a worker gateway commits plans through its workers");
      store.replace(next);
      metrics.setPlan(next.linked.hash, next.linked.plan.compilerVersion);
      for (const note of next.linked.notes) log("warn", note, { plan: next.linked.hash });
    },
    shutdown: () =>
      (stopping ??= (async () => {
        watcher?.close();
        store.ready = false;
        await main.drain();
        await closeAll();
      })()),
    close: () => {
      store.ready = false;
      return (stopping ??= closeAll());
    },
  };
}

/** Opens `stores.local` (restoring the counters and ledger it holds), or null when the plan does not persist state. */
function openStateFile(linked: LinkedPlan, quotas: QuotaService): StateFile | null {
  const local = linked.plan.stores?.local;
  if (local === undefined) return null;
  const file = new StateFile(local.dir, local.snapshotMs, { quotas: quotas.state.quotas, ledger: quotas.state.ledger });
  const { restored, savedAt } = file.open();
  log("info", "local state restored", { dir: local.dir, rows: restored, savedAt: savedAt === null ? null : new Date(savedAt).toISOString() });
  return file;
}

/** `http://host:port` (`https` with TLS), with IPv6 hosts in brackets. */
export function urlOf(host: string, port: number, tls = false): string {
  return `${tls ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${port}`;
}
