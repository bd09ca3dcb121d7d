/**
 * A serving worker thread of `tollgate serve --workers N`: one client listener (uWS
 * app or node:http server) on the shared port, running the same request pipeline as
 * a single-thread gateway. The main thread owns everything else (admin listener,
 * reloads, signals, alerts); this thread answers its messages:
 *   stage/commit/abort  two-phase plan swap (this thread links itself; the main thread validated the plan)
 *   metrics             its Prometheus registry as JSON, for the main thread to sum
 *   drain / close       graceful shutdown, then exit
 * and posts its statistics delta every second.
 */
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { startGateway, type Gateway } from "../gateway.js";
import { parseTrustedPlan } from "../../schemas/plan/trusted-plan.js";
import type { ServedPlan } from "../plan/served-plan.js";
import { drain } from "../server/drain.js";
import { log, setQuietLogs } from "../base/log.js";
import { StatsCollector } from "../ops/stats/stats-collector.js";
import { breakerView } from "../ops/breaker-view.js";
import { sharedState } from "../state/shared-state-handoff.js";
import { attachSharedState } from "../state/shared-state.js";
import type { MainToWorker, WorkerStart, WorkerToMain } from "./worker-protocol.js";

/** Metric families the main thread keeps itself (plan identity and reloads), not summed from workers. */
const MAIN_ONLY = new Set(["tollgate_plan_reloads_total", "tollgate_plan_info"]);

async function run(port: NonNullable<typeof parentPort>, start: WorkerStart): Promise<void> {
  const post = (m: WorkerToMain): void => port.postMessage(m);
  if (process.env.TOLLGATE_QUIET_LOGS === "1") setQuietLogs(true);
  sharedState.adopt(start.shared);
  const env = start.env ?? process.env;
  const collector = start.stats ? new StatsCollector() : null;
  let gateway: Gateway;
  try {
    const plan = parseTrustedPlan(start.planJson, "plan");
    gateway = await startGateway({
      plan,
      host: start.host,
      port: start.port,
      server: start.server,
      sharePort: start.sharePort,
      env,
      operations: false,
      sharedState: attachSharedState(start.quotaState),
      observers: collector === null ? [] : [collector],
      ...(start.listenFd === null ? {} : { sharedFd: start.listenFd }),
    });
  } catch (err) {
    post({ type: "start-failed", error: err instanceof Error ? err.message : String(err) });
    port.close();
    return;
  }
  const postStats = (c: StatsCollector): void => post({ type: "stats", delta: c.take(), breakers: breakerView(gateway.store.current, Date.now()) });
  const timer = collector === null ? null : setInterval(() => postStats(collector), start.statsIntervalMs);
  timer?.unref();
  const staged = new Map<number, ServedPlan>();

  port.on("message", (m: MainToWorker) => {
    switch (m.type) {
      case "stage":
        try {
          sharedState.adopt(m.shared);
          staged.set(m.id, gateway.stage(parseTrustedPlan(m.planJson, "plan")));
          post({ type: "staged", id: m.id, ok: true });
        } catch (err) {
          post({ type: "staged", id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) });
        }
        return;
      case "commit": {
        const served = staged.get(m.id);
        staged.delete(m.id);
        if (served !== undefined) gateway.commit(served);
        post({ type: "committed", id: m.id });
        return;
      }
      case "abort": {
        const served = staged.get(m.id);
        staged.delete(m.id);
        void served?.close();
        return;
      }
      case "metrics":
        void gateway.metrics.registry.getMetricsAsJSON().then((json) => {
          post({ type: "metrics", id: m.id, json: json.filter((f) => !MAIN_ONLY.has(f.name)) });
        });
        return;
      case "drain":
        void drain({ store: gateway.store, listeners: [gateway.listener] }, gateway.store.current.listener.shutdown).then(({ aborted }) => {
          post({ type: "drained", aborted });
        });
        return;
      case "close":
        if (timer !== null) clearInterval(timer);
        // The last statistics, so requests finished during the drain are counted.
        if (collector !== null) postStats(collector);
        void gateway.close().then(
          () => {
            post({ type: "closed" });
            port.close();
          },
          (err: unknown) => {
            log("error", "worker close failed", { error: err instanceof Error ? err.message : String(err) });
            post({ type: "closed" });
            port.close();
          },
        );
        return;
    }
  });
  post({ type: "ready", port: gateway.port, kind: gateway.listener.kind, listenFd: gateway.listener.fd ?? null });
}

if (!isMainThread && parentPort !== null) await run(parentPort, workerData as WorkerStart);
