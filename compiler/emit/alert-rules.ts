/**
 * The policy's alert rules as Prometheus alerting rules (`tollgate compile
 * --alert-rules FILE`), so that Prometheus evaluates them once over every replica's
 * metrics and Alertmanager notifies once per fleet: a rule file (`groups:`), or with
 * `--alert-rules-format kubernetes` a `PrometheusRule` for the Prometheus Operator.
 *
 * Each rule reads the metrics the gateway exports: success rate from
 * `tollgate_requests_total` (5xx answers count as failures), p95
 * latency from `tollgate_request_duration_seconds`, spend rate from
 * `tollgate_cost_usd_total`. A plan with a monthly USD budget per team and a fleet
 * ledger (`stores.redis`) also gets a projected-overrun rule over the forecast gauges.
 */
import { stringify } from "yaml";
import type { Plan } from "../../schemas/plan/plan.js";

export type AlertRulesFormat = "prometheus" | "kubernetes";

interface PromRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Seconds as a PromQL range (`300s` → `5m` when whole minutes). */
function range(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`;
}

/** A rule name Prometheus accepts as an alert name. */
function alertName(name: string): string {
  const words = name
    .replace(/[^A-Za-z0-9]+/g, " ")
    .trim()
    .split(" ");
  return `Tollgate${words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("")}`;
}

/** The alerting rules of a plan (empty when it declares none). */
export function alertRulesOf(plan: Plan): PromRule[] {
  const rules: PromRule[] = [];
  for (const r of plan.listener.alerts?.rules ?? []) {
    const w = range(r.windowMs);
    const enough = `sum(increase(tollgate_requests_total{endpoint=~"chat_completions|models"}[${w}])) >= ${r.minRequests}`;
    const labels = { severity: "warning", tollgate_rule: r.name };
    if (r.kind === "success-rate-below") {
      rules.push({
        alert: alertName(r.name),
        expr: `(1 - sum(rate(tollgate_requests_total{endpoint=~"chat_completions|models",status_class="5xx"}[${w}])) / sum(rate(tollgate_requests_total{endpoint=~"chat_completions|models"}[${w}]))) < ${r.threshold} and ${enough}`,
        labels,
        annotations: { summary: `Tollgate success rate below ${r.threshold} over ${w} (rule ${r.name})` },
      });
    } else if (r.kind === "p95-latency-above") {
      rules.push({
        alert: alertName(r.name),
        expr: `histogram_quantile(0.95, sum by (le) (rate(tollgate_request_duration_seconds_bucket[${w}]))) > ${r.threshold / 1000} and ${enough}`,
        labels,
        annotations: { summary: `Tollgate p95 latency above ${r.threshold} ms over ${w} (rule ${r.name})` },
      });
    } else {
      rules.push({
        alert: alertName(r.name),
        expr: `sum(rate(tollgate_cost_usd_total[${w}])) * 3600 > ${r.threshold}`,
        labels,
        annotations: { summary: `Tollgate spend above $${r.threshold}/hour over ${w} (rule ${r.name})` },
      });
    }
  }
  const monthlyTeamBudget = (plan.quotas ?? []).some((q) => q.unit === "usd" && q.per === "month" && q.scope === "team" && q.burst === null);
  if (monthlyTeamBudget && (plan.stores?.redis ?? null) !== null) {
    rules.push({
      alert: "TollgateProjectedBudgetOverrun",
      expr: "max by (team) (tollgate_team_projected_spend_usd) > max by (team) (tollgate_team_budget_usd)",
      for: "15m",
      labels: { severity: "warning" },
      annotations: { summary: "Team {{ $labels.team }} is projected to spend more than its monthly budget by the end of the month" },
    });
  }
  return rules;
}

/** The rule file (or PrometheusRule manifest) as YAML. */
export function renderAlertRules(plan: Plan, format: AlertRulesFormat): string {
  const group = { name: "tollgate", rules: alertRulesOf(plan) };
  if (format === "prometheus") return stringify({ groups: [group] });
  return stringify({
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: "tollgate-alerts", labels: { "app.kubernetes.io/name": "tollgate" } },
    spec: { groups: [group] },
  });
}
