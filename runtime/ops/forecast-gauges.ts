/**
 * The fleet's month-end forecast per team as gauges (`tollgate_team_month_spend_usd`,
 * `tollgate_team_projected_spend_usd`, `tollgate_team_budget_usd`), refreshed from the
 * fleet ledger every minute on the admin thread. Every replica reports the same fleet
 * figures, so the alerting rule `tollgate compile --alert-rules` emits takes their
 * maximum per team: one alert per fleet. Teams come from the plan (bounded labels).
 */
import { Gauge, type Registry } from "prom-client";
import type { PlanStore } from "../plan/plan-store.js";
import type { QuotaService } from "../stages/quotas/quota-service.js";
import { ledgerForecasts, type Forecast } from "./usage-query.js";
import { monthlyTeamBudgets } from "./usage-report.js";
import { QUOTA_ATTACHMENT } from "../stages/quotas/quota-service.js";
import type { PlanQuotas } from "../stages/quotas/plan-quotas.js";
import { registerDashboardSection } from "./admin/dashboard-sections.js";

const REFRESH_MS = 60_000;

/** Starts the gauges when the gateway keeps a fleet ledger; returns a stopper. */
export function startForecastGauges(registry: Registry, service: QuotaService, store: PlanStore): () => void {
  const ledger = service.sinks?.ledger?.store;
  if (ledger === undefined) return () => undefined;
  let latest: Forecast[] = [];
  const refresh = async (): Promise<void> => {
    try {
      const quotas = store.served.attachments.get(QUOTA_ATTACHMENT) as PlanQuotas | undefined;
      latest = await ledgerForecasts(ledger, service.clock(), ["team"], monthlyTeamBudgets(quotas));
    } catch {
      // Redis down: keep the last figures (the store-up gauge says why).
    }
  };
  const gauge = (name: string, help: string, read: (f: Forecast) => number | null): Gauge => {
    const g: Gauge = new Gauge({
      name,
      help,
      labelNames: ["team"],
      registers: [],
      collect() {
        g.reset();
        for (const f of latest) {
          const v = read(f);
          if (f.group.team != null && v !== null) g.set({ team: f.group.team }, v);
        }
      },
    });
    registry.registerMetric(g);
    return g;
  };
  gauge("tollgate_team_month_spend_usd", "Fleet-wide spend of each team this calendar month (UTC), from the fleet ledger.", (f) => f.monthToDateUsd);
  gauge(
    "tollgate_team_projected_spend_usd",
    "Each team's projected spend at the end of this month: month to date + mean daily spend of the last 7 complete days x days left.",
    (f) => f.projectedUsd,
  );
  gauge("tollgate_team_budget_usd", "Each team's monthly USD budget (a `usd` quota per month scoped to teams), when it has one.", (f) => f.budgetUsd);
  registerDashboardSection("forecast", () => ({
    configured: true,
    note: "no spend this month yet",
    items: latest.map((f) => ({
      team: f.group.team ?? "(none)",
      "month to date $": f.monthToDateUsd,
      "projected $": f.projectedUsd,
      "range $": `${f.lowUsd.toFixed(2)}–${f.highUsd.toFixed(2)}`,
      "budget $": f.budgetUsd ?? "",
      overrun: f.projectedOverrun ? "yes" : "",
    })),
  }));
  void refresh();
  const timer = setInterval(() => void refresh(), REFRESH_MS);
  timer.unref();
  return () => clearInterval(timer);
}
