/**
 * The JSON behind the dashboard page (GET /admin/dashboard/data): the plan being
 * served, per-second traffic of the last five minutes, latency and time-to-first-token
 * percentiles, tokens and spend per consumer and model, traffic share per target,
 * alerts, and the sections other features register (quotas, ejected endpoints).
 * Everything comes from the main thread's statistics window, which every worker feeds.
 */
import type { PlanStore } from "../../plan/plan-store.js";
import type { OpsHub } from "../ops-hub.js";
import { readDashboardSection } from "./dashboard-sections.js";

/** The span the charts and tables cover. */
const CHART_MS = 5 * 60_000;
/** The span the headline numbers cover. */
const HEADLINE_MS = 60_000;

export function dashboardData(store: PlanStore, ops: OpsHub | null, workers: number): string {
  const served = store.served;
  const plan = served.linked.plan;
  const base = {
    time: new Date().toISOString(),
    plan: { hash: plan.hash, compilerVersion: plan.compilerVersion, loadedAt: new Date(served.loadedAt).toISOString(), ready: store.ready },
    workers,
    inflight: store.inflight,
    quotas: readDashboardSection("quotas"),
    ejected: readDashboardSection("ejected"),
    concurrency: readDashboardSection("concurrency"),
    forecast: readDashboardSection("forecast"),
  };
  if (ops === null) return JSON.stringify({ ...base, stats: null, alerts: { configured: false } });
  ops.flush();
  const headline = ops.window.summary(HEADLINE_MS);
  const span = ops.window.summary(CHART_MS);
  const usage = Object.entries(span.delta.usage)
    .map(([key, c]) => {
      const [consumer, model] = key.split("\u0000");
      return { consumer, model, ...c };
    })
    .sort((a, b) => b.requests - a.requests);
  let attempts = 0;
  for (const c of Object.values(span.delta.targets)) attempts += c.attempts;
  const targets = Object.entries(span.delta.targets)
    .map(([key, c]) => {
      const [provider, model] = key.split("\u0000");
      return { provider, model, ...c, share: attempts === 0 ? 0 : c.attempts / attempts };
    })
    .sort((a, b) => b.attempts - a.attempts);
  return JSON.stringify({
    ...base,
    stats: {
      windowMs: CHART_MS,
      headline: {
        windowMs: HEADLINE_MS,
        requestsPerSecond: headline.requestsPerSecond,
        successRate: headline.successRate,
        requests: headline.requests,
        latencyMs: headline.latencyMs,
        ttftMs: headline.ttftMs,
        spendPerHourUsd: headline.spendPerHourUsd,
      },
      latencyMs: span.latencyMs,
      ttftMs: span.ttftMs,
      spendUsd: span.spendUsd,
      series: ops.window.series(CHART_MS),
      usage,
      targets,
    },
    alerts: ops.alerts?.view() ?? { configured: false },
  });
}
