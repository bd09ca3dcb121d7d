/**
 * One alert rule's condition, measured on a StatsWindow summary: the value it looks
 * at, whether that value breaches the threshold, and a sentence for people. A rule
 * with too little traffic in its window (below `minRequests`) neither fires nor
 * resolves on success rate or latency: one failed request out of two is not an outage.
 */
import type { PlanAlertRule } from "../../../schemas/plan/operations.js";
import type { StatsSummary } from "../stats/stats-window.js";

export interface RuleReading {
  /** The measured value (ratio, ms or USD/hour), or null when there is not enough data. */
  value: number | null;
  breached: boolean;
  message: string;
}

export function readRule(rule: PlanAlertRule, s: StatsSummary): RuleReading {
  const span = formatMs(rule.windowMs);
  switch (rule.kind) {
    case "success-rate-below": {
      if (s.requests < Math.max(1, rule.minRequests)) return { value: null, breached: false, message: `${s.requests} requests in ${span}: not enough to judge` };
      const value = s.successRate;
      return { value, breached: value < rule.threshold, message: `success rate ${pct(value)} over ${span} (threshold: below ${pct(rule.threshold)})` };
    }
    case "p95-latency-above": {
      const value = s.latencyMs.p95;
      if (value === null || s.requests < Math.max(1, rule.minRequests)) return { value: null, breached: false, message: `${s.requests} requests in ${span}: not enough to judge` };
      return { value, breached: value > rule.threshold, message: `p95 latency ${formatMs(value)} over ${span} (threshold: above ${formatMs(rule.threshold)})` };
    }
    case "spend-rate-above": {
      const value = s.spendPerHourUsd;
      return { value, breached: value > rule.threshold, message: `spend rate $${value.toFixed(2)}/h over ${span} (threshold: above $${rule.threshold}/h)` };
    }
  }
}

function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

function formatMs(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${+(ms / 1000).toFixed(2)}s`;
  return `${Math.round(ms)}ms`;
}
