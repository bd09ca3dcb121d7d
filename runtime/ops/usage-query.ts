/**
 * Fleet-wide usage, as `/admin/usage`, the dashboard and `tollgate usage` show it:
 * the fleet ledger in Redis (or the usage rows in PostgreSQL) summed over a span and
 * grouped by the dimensions asked for (consumer, team, model, provider, a tag), and
 * a month-end forecast per group.
 *
 * The forecast: month-to-date spend plus the recent daily rate times the days left.
 * The rate is the mean spend of the last 7 complete days (fewer when the month or
 * the ledger is younger; the month-to-date average per elapsed day when there is no
 * complete day yet); the range uses the lowest and the highest of those days'
 * spend. It needs no quota; a group with a budget also shows whether the projection
 * passes it.
 */
import { dayStart, emptyTotals, type FleetLedger, type FleetLedgerRow, type LedgerTotals } from "../state/fleet-ledger.js";
import type { PostgresUsage } from "../state/postgres-usage.js";
import { tagsKey } from "../base/usage-record.js";

/** Grouping dimensions: `consumer`, `team`, `model`, `provider`, `tag` (all tags) or `tag:<name>`. */
export type UsageDimension = string;

export interface UsageGroup {
  readonly group: Record<string, string | null>;
  readonly figures: LedgerTotals;
}

export interface Forecast {
  readonly group: Record<string, string | null>;
  readonly monthToDateUsd: number;
  /** USD per day the projection uses. */
  readonly dailyRateUsd: number;
  readonly projectedUsd: number;
  readonly lowUsd: number;
  readonly highUsd: number;
  /** Complete days the rate was measured on (0: the month-to-date average). */
  readonly basisDays: number;
  /** The budget the group is held to (a `usd` quota per month on it), when there is one. */
  readonly budgetUsd: number | null;
  readonly projectedOverrun: boolean;
}

export const FORECAST_METHOD = "month-to-date spend + mean daily spend of the last 7 complete days × days left; range from the lowest and highest of those days";

const VALID = new Set(["consumer", "team", "model", "provider", "tag"]);

/** Checks a `--by` list; throws with the dimensions that are allowed. */
export function parseDimensions(text: string): UsageDimension[] {
  const dims = text
    .split(",")
    .map((d) => d.trim())
    .filter((d) => d !== "");
  for (const d of dims)
    if (!VALID.has(d) && !/^tag:[A-Za-z0-9][A-Za-z0-9._\-/]*$/.test(d)) throw new Error(`cannot group by ${d}: use consumer, team, model, provider, tag or tag:<name>`);
  return dims;
}

function valueOf(row: FleetLedgerRow, dim: UsageDimension): string | null {
  if (dim === "tag") return tagsKey(row.tags) || null;
  if (dim.startsWith("tag:")) return row.tags[dim.slice(4)] ?? null;
  return (row as unknown as Record<string, string | null>)[dim] ?? null;
}

/** Sums rows per group, sorted by cost (highest first). */
export function groupRows(rows: readonly FleetLedgerRow[], by: readonly UsageDimension[]): UsageGroup[] {
  const groups = new Map<string, UsageGroup>();
  for (const row of rows) {
    const group = Object.fromEntries(by.map((d) => [d, valueOf(row, d)]));
    const id = JSON.stringify(group);
    let g = groups.get(id);
    if (g === undefined) groups.set(id, (g = { group, figures: emptyTotals() }));
    for (const [k, v] of Object.entries(row.figures)) g.figures[k as keyof LedgerTotals] += v;
  }
  return [...groups.values()].map(round).sort((a, b) => b.figures.costUsd - a.figures.costUsd);
}

function round(g: UsageGroup): UsageGroup {
  g.figures.costUsd = Math.round(g.figures.costUsd * 1e9) / 1e9;
  g.figures.audioSeconds = Math.round(g.figures.audioSeconds * 1e6) / 1e6;
  return g;
}

/** Usage over [since, until) from the fleet ledger. */
export async function ledgerUsage(ledger: FleetLedger, since: number, until: number, by: readonly UsageDimension[]): Promise<UsageGroup[]> {
  return groupRows(await ledger.read(since, until), by);
}

/** Usage over [since, until) from PostgreSQL's rows. */
export async function postgresUsage(pg: PostgresUsage, since: number, until: number, by: readonly UsageDimension[]): Promise<UsageGroup[]> {
  const columns = by.map((d) => (d === "tag" ? "tag" : d));
  if (columns.includes("tag")) throw new Error("with --source postgres, group by one tag at a time: tag:<name>");
  const rows = await pg.aggregate(new Date(since), new Date(until), columns);
  return rows
    .map((r) => ({
      group: r.group,
      figures: {
        ...emptyTotals(),
        requests: r.requests,
        inputTokens: r.inputTokens,
        cachedInputTokens: r.cachedInputTokens,
        outputTokens: r.outputTokens,
        reasoningTokens: r.reasoningTokens,
        costUsd: r.costUsd,
        estimated: r.estimated,
      },
    }))
    .map(round)
    .sort((a, b) => b.figures.costUsd - a.figures.costUsd);
}

/** Month-end forecasts per group from the fleet ledger (`budgets`: group id → monthly USD budget). */
export async function ledgerForecasts(ledger: FleetLedger, now: number, by: readonly UsageDimension[], budgets: ReadonlyMap<string, number> = new Map()): Promise<Forecast[]> {
  const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
  const today = dayStart(now);
  const from = Math.max(monthStart, today - 7 * 86_400_000);
  const mtd = groupRows(await ledger.month(now), by);
  const days = await ledger.days(from, today);
  const daily = [...days.values()].map((rows) => new Map(groupRows(rows, by).map((g) => [JSON.stringify(g.group), g.figures.costUsd])));
  return mtd.map((g) => forecastOf(g, daily, now, monthStart, budgets.get(JSON.stringify(g.group)) ?? null));
}

/** The forecast of one group, from its month to date and its spend on each of the recent complete days. */
export function forecastOf(g: UsageGroup, daily: readonly ReadonlyMap<string, number>[], now: number, monthStart: number, budget: number | null): Forecast {
  const id = JSON.stringify(g.group);
  const spent = g.figures.costUsd;
  const monthEnd = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() + 1, 1);
  const left = (monthEnd - now) / 86_400_000;
  const perDay = daily.map((d) => d.get(id) ?? 0);
  const elapsed = Math.max((now - monthStart) / 86_400_000, 1 / 24);
  const rate = perDay.length > 0 ? perDay.reduce((a, b) => a + b, 0) / perDay.length : spent / elapsed;
  const low = perDay.length > 0 ? Math.min(...perDay) : rate;
  const high = perDay.length > 0 ? Math.max(...perDay) : rate;
  const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;
  const projected = r6(spent + rate * left);
  return {
    group: g.group,
    monthToDateUsd: r6(spent),
    dailyRateUsd: r6(rate),
    projectedUsd: projected,
    lowUsd: r6(spent + low * left),
    highUsd: r6(spent + high * left),
    basisDays: perDay.length,
    budgetUsd: budget,
    projectedOverrun: budget !== null && projected > budget,
  };
}
