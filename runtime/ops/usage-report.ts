/**
 * What `GET /admin/usage` answers: the usage ledger (per consumer, team, model and
 * provider), per-team totals, and for each quota counter the amount used in its
 * current window, what remains, and, for fixed windows, a projection to the window's
 * end at the rate so far, so a team sees an overrun coming before it happens.
 * `GET /admin/usage/export` gives the same rows as JSON lines.
 */
import type { PlanStore } from "../plan/plan-store.js";
import { round6, type LedgerFigures, type LedgerRow } from "../state/ledger.js";
import type { PlanQuotas } from "../stages/quotas/plan-quotas.js";
import { QUOTA_ATTACHMENT, type QuotaService } from "../stages/quotas/quota-service.js";
import { windowEnd, windowStart } from "../base/windows.js";
import { FORECAST_METHOD, groupRows, ledgerForecasts, type Forecast, type UsageGroup } from "./usage-query.js";

export interface QuotaCounterReport {
  quota: string;
  unit: string;
  per: string;
  scope: string;
  /** The team, consumer, key digest, model, provider or header value the counter is for (`*` for global). */
  key: string;
  consistency: "local" | "shared";
  limit: number;
  /** Fixed windows: used this window; buckets: capacity minus the current level. */
  used: number;
  remaining: number;
  windowStart: string | null;
  windowEnd: string | null;
  /** Fixed windows: used × window length ÷ time elapsed; null for buckets. */
  projected: number | null;
  /** True when the projection exceeds the limit. */
  projectedOverrun: boolean;
}

export interface TeamTotals {
  team: string;
  day: Omit<LedgerFigures, "windowStart">;
  month: Omit<LedgerFigures, "windowStart">;
}

export interface UsageReport {
  time: string;
  plan: string;
  ledger: LedgerRow[];
  teams: TeamTotals[];
  quotas: QuotaCounterReport[];
  stores: { name: string; up: boolean }[];
  /** Counters that could not be read (a shared store down), by quota. */
  unavailable: string[];
  /** The fleet ledger (every replica's requests, from Redis), when the plan has `stores.redis`; null otherwise. */
  fleet: FleetReport | null;
  /** The durable usage stores: whether each took its last batch, records pending and spooled. */
  sinks: { name: string; up: boolean; pending: number; spoolBytes: number; written: number; spooled: number; replayed: number; dropped: number }[];
}

/** The fleet-wide part of the usage report. */
export interface FleetReport {
  /** This month, per consumer, team, model, provider and tags. */
  month: UsageGroup[];
  forecastMethod: string;
  /** Month-end forecasts per team, per consumer and per tag set. */
  forecasts: { team: Forecast[]; consumer: Forecast[]; tag: Forecast[] };
  error?: string;
}

/** Projections start after this share of a window has passed (earlier ones are mostly noise). */
const MIN_ELAPSED_SHARE = 0.01;

export async function usageReport(service: QuotaService, store: PlanStore): Promise<UsageReport> {
  const now = service.clock();
  const served = store.served;
  const quotas = served.attachments.get(QUOTA_ATTACHMENT) as PlanQuotas | undefined;
  const ledger = service.ledger.rows(now);
  const report: QuotaCounterReport[] = [];
  const unavailable: string[] = [];
  for (const q of quotas?.quotas ?? []) {
    let rows: { key: string; window: number; value: number }[];
    try {
      rows = await q.store.read(now, `${q.name}|`);
    } catch {
      unavailable.push(q.name);
      continue;
    }
    const start = q.bucket ? 0 : windowStart(q.plan.per, now);
    const end = q.bucket ? 0 : windowEnd(q.plan.per, start);
    for (const row of rows) {
      if (!row.key.startsWith(`${q.name}|`)) continue;
      if (!q.bucket && row.window !== start) continue;
      const used = q.bucket ? q.capacity - Math.min(q.capacity, row.value + Math.max(0, now - row.window) * q.ratePerMs) : row.value;
      const elapsed = Math.max(now - start, (end - start) * MIN_ELAPSED_SHARE);
      const projected = q.bucket ? null : round6((used * (end - start)) / elapsed);
      report.push({
        quota: q.name,
        unit: q.plan.unit,
        per: q.plan.per,
        scope: q.plan.scope,
        key: row.key.slice(q.name.length + 1),
        consistency: q.plan.consistency,
        limit: q.capacity,
        used: round6(used),
        remaining: round6(Math.max(0, q.capacity - used)),
        windowStart: q.bucket ? null : new Date(start).toISOString(),
        windowEnd: q.bucket ? null : new Date(end).toISOString(),
        projected,
        projectedOverrun: projected !== null && projected > q.capacity,
      });
    }
  }
  return {
    time: new Date(now).toISOString(),
    plan: served.linked.hash,
    ledger,
    teams: teamTotals(ledger),
    quotas: report,
    stores: [{ name: "local", up: true }, ...service.redisStores.map((r) => ({ name: r.label, up: r.up }))],
    unavailable,
    fleet: await fleetReport(service, quotas, now),
    sinks: (service.sinks?.outboxes ?? []).map((o) => ({ name: o.name, up: o.storeUp, pending: o.pending, spoolBytes: o.spoolBytes, ...o.counts })),
  };
}

async function fleetReport(service: QuotaService, quotas: PlanQuotas | undefined, now: number): Promise<FleetReport | null> {
  const ledger = service.sinks?.ledger?.store;
  if (ledger === undefined) return null;
  try {
    return {
      month: groupRows(await ledger.month(now), ["consumer", "team", "model", "provider", "tag"]),
      forecastMethod: FORECAST_METHOD,
      forecasts: {
        team: await ledgerForecasts(ledger, now, ["team"], monthlyTeamBudgets(quotas)),
        consumer: await ledgerForecasts(ledger, now, ["consumer"]),
        tag: await ledgerForecasts(ledger, now, ["tag"]),
      },
    };
  } catch (err) {
    return { month: [], forecastMethod: FORECAST_METHOD, forecasts: { team: [], consumer: [], tag: [] }, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Each team's monthly USD budget (the tightest `usd` quota per month scoped to teams that applies to it), keyed as forecasts group it. */
export function monthlyTeamBudgets(quotas: PlanQuotas | undefined): Map<string, number> {
  const out = new Map<string, number>();
  if (quotas === undefined) return out;
  const plan = quotas.linked.plan;
  for (const q of quotas.quotas) {
    if (q.plan.unit !== "usd" || q.plan.per !== "month" || q.plan.scope !== "team" || q.bucket) continue;
    plan.consumers.forEach((c, i) => {
      if (c.team === undefined || (q.consumers !== null && q.consumers[i] !== true)) return;
      const id = JSON.stringify({ team: c.team });
      out.set(id, Math.min(out.get(id) ?? Infinity, q.capacity));
    });
  }
  return out;
}

function teamTotals(rows: readonly LedgerRow[]): TeamTotals[] {
  const teams = new Map<string, TeamTotals>();
  const add = (into: Omit<LedgerFigures, "windowStart">, f: LedgerFigures): void => {
    into.requests += f.requests;
    into.inputTokens += f.inputTokens;
    into.cachedInputTokens += f.cachedInputTokens;
    into.outputTokens += f.outputTokens;
    into.reasoningTokens += f.reasoningTokens;
    into.costUsd = round6(into.costUsd + f.costUsd);
    into.audioSeconds = round6(into.audioSeconds + f.audioSeconds);
    into.characters += f.characters;
  };
  const zero = (): Omit<LedgerFigures, "windowStart"> => ({
    requests: 0,
    inputTokens: 0,
    cachedInputTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
    audioSeconds: 0,
    characters: 0,
  });
  for (const row of rows) {
    if (row.team === null) continue;
    let t = teams.get(row.team);
    if (t === undefined) {
      t = { team: row.team, day: zero(), month: zero() };
      teams.set(row.team, t);
    }
    add(t.day, row.day);
    add(t.month, row.month);
  }
  return [...teams.values()];
}

/** The report as JSON lines: one per ledger row, team and quota counter, each with a `type`. */
export function usageJsonl(report: UsageReport): string {
  const lines: string[] = [];
  for (const row of report.ledger) lines.push(JSON.stringify({ type: "ledger", time: report.time, ...row }));
  for (const team of report.teams) lines.push(JSON.stringify({ type: "team", time: report.time, ...team }));
  for (const q of report.quotas) lines.push(JSON.stringify({ type: "quota", time: report.time, ...q }));
  return lines.length === 0 ? "" : lines.join("\n") + "\n";
}
