/**
 * The main thread's operations state: the live statistics window (fed by the local
 * collector in a single-thread gateway, by the workers' posted deltas otherwise) and
 * the alert engine that reads it. Built only when something reads it (an admin
 * listener for the dashboard, or alert rules); otherwise no collector is attached and
 * requests pay nothing.
 */
import type { PlanListener } from "../../schemas/plan/plan.js";
import { StatsCollector } from "./stats/stats-collector.js";
import type { StatsDelta } from "./stats/stats-delta.js";
import { StatsWindow } from "./stats/stats-window.js";
import { AlertEngine } from "./alerts/alert-engine.js";
import type { PlanStore } from "../plan/plan-store.js";
import { registerDashboardSection } from "./admin/dashboard-sections.js";
import { currentLimiters } from "./metrics/limiter-metrics.js";

/** How often collectors hand their delta over. */
export const STATS_INTERVAL_MS = 1000;
/** The dashboard shows the last 5 minutes; alert windows may ask for more. */
const MIN_RETAIN_MS = 5 * 60_000;

export class OpsHub {
  readonly window: StatsWindow;
  readonly alerts: AlertEngine | null;
  /** The in-process collector (single-thread gateway), or null when workers post deltas. */
  readonly collector: StatsCollector | null;
  #timer: NodeJS.Timeout | null = null;

  constructor(listener: PlanListener, env: NodeJS.ProcessEnv, local: boolean) {
    const longest = Math.max(MIN_RETAIN_MS, ...(listener.alerts?.rules.map((r) => r.windowMs) ?? []));
    this.window = new StatsWindow(longest + STATS_INTERVAL_MS);
    this.alerts = listener.alerts === undefined ? null : new AlertEngine(listener.alerts, this.window, env);
    this.collector = local ? new StatsCollector() : null;
    if (this.collector !== null) {
      const collector = this.collector;
      this.#timer = setInterval(() => this.window.add(collector.take()), STATS_INTERVAL_MS);
      this.#timer.unref();
    }
    this.alerts?.start();
  }

  /** Registers the dashboard sections this build fills from the plan being served. */
  static registerSections(store: PlanStore): void {
    registerDashboardSection("concurrency", () => {
      const limiters = currentLimiters(store);
      if (limiters.length === 0) return { configured: false };
      return { configured: true, items: limiters.map((l) => ({ provider: l.name, inflight: l.inflight, max: l.settings.max, queuedHere: l.queued })) };
    });
  }

  /** Whether a gateway with these listener settings needs statistics at all. */
  static wanted(listener: PlanListener): boolean {
    return listener.admin !== null || listener.alerts !== undefined;
  }

  /** A worker's delta (worker mode). */
  add(delta: StatsDelta): void {
    this.window.add(delta);
  }

  /** Folds in what the local collector holds now (tests and the dashboard read fresh numbers). */
  flush(): void {
    if (this.collector !== null) this.window.add(this.collector.take());
  }

  close(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.alerts?.close();
  }
}
