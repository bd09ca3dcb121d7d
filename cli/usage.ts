/**
 * `tollgate usage`: fleet-wide usage from the stores a plan names: the fleet ledger
 * in Redis (`--source redis`, the default when the plan has `stores.redis`) or the
 * usage rows in PostgreSQL (`--source postgres`), over a span, grouped, as a table,
 * JSON or CSV; with month-end forecasts from the ledger. Secrets come from the
 * environment, as for `serve`.
 */
import { loadPlanFile } from "../schemas/plan/read-plan.js";
import { resolveSecret } from "../runtime/base/secrets.js";
import { SharedRedis } from "../runtime/state/shared-redis.js";
import { FleetLedger } from "../runtime/state/fleet-ledger.js";
import { PostgresUsage } from "../runtime/state/postgres-usage.js";
import { FORECAST_METHOD, ledgerForecasts, ledgerUsage, parseDimensions, postgresUsage, type Forecast, type UsageGroup } from "../runtime/ops/usage-query.js";

export interface UsageOptions {
  plan: string;
  source?: string;
  since?: string;
  until?: string;
  by: string;
  format: string;
}

/** `24h`, `7d`, `30m` before now, or an ISO date/time. */
export function parseTime(text: string, now: number): number {
  const rel = /^(\d+)(m|h|d)$/.exec(text);
  if (rel !== null) return now - Number(rel[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[rel[2] as "m" | "h" | "d"];
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new Error(`not a time: ${text} (use 24h, 7d, 30m or an ISO date such as 2026-12-01)`);
  return t;
}

export async function usageCommand(opts: UsageOptions): Promise<number> {
  if (!["table", "json", "csv"].includes(opts.format)) return usage(`--format must be table, json or csv, not ${opts.format}`);
  let by: string[];
  let since: number;
  let until: number;
  const now = Date.now();
  try {
    by = parseDimensions(opts.by);
    until = opts.until === undefined ? now : parseTime(opts.until, now);
    since = opts.since === undefined ? Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1) : parseTime(opts.since, now);
  } catch (err) {
    return usage((err as Error).message);
  }
  const plan = await loadPlanFile(opts.plan);
  const stores = plan.stores;
  const source = opts.source ?? ((stores?.redis ?? null) !== null ? "redis" : "postgres");
  let groups: UsageGroup[];
  let forecasts: Forecast[] | null = null;
  if (source === "redis") {
    const config = stores?.redis ?? null;
    if (config === null) return usage("the plan has no stores.redis (try --source postgres)");
    const url = resolveSecret(config.url, process.env);
    if (!url.ok) return usage(`stores.redis.url: ${url.problem}`);
    const redis = new SharedRedis({ url: url.value, prefix: config.prefix, timeoutMs: Math.max(config.timeoutMs, 5000), pool: 1, label: `redis/${config.prefix}` });
    try {
      await redis.connect();
      if (!redis.up) throw new Error(`Redis does not answer: ${redis.lastError}`);
      const ledger = new FleetLedger(redis, config.retention ?? { hours: 168, days: 400, months: 36 });
      groups = await ledgerUsage(ledger, since, until, by);
      forecasts = await ledgerForecasts(ledger, now, by);
    } finally {
      await redis.close();
    }
  } else if (source === "postgres") {
    const config = stores?.postgres;
    if (config === undefined) return usage("the plan has no stores.postgres (try --source redis)");
    const url = resolveSecret(config.url, process.env);
    if (!url.ok) return usage(`stores.postgres.url: ${url.problem}`);
    const pg = new PostgresUsage({ url: url.value, table: config.table, timeoutMs: 10_000 });
    try {
      groups = await postgresUsage(pg, since, until, by);
    } finally {
      await pg.close();
    }
  } else return usage(`--source must be redis or postgres, not ${source}`);
  process.stdout.write(render(opts.format, { source, since, until, by, groups, forecasts }));
  return 0;
}

interface Report {
  source: string;
  since: number;
  until: number;
  by: string[];
  groups: UsageGroup[];
  forecasts: Forecast[] | null;
}

function render(format: string, r: Report): string {
  if (format === "json") {
    return (
      JSON.stringify(
        {
          source: r.source,
          since: new Date(r.since).toISOString(),
          until: new Date(r.until).toISOString(),
          by: r.by,
          groups: r.groups,
          ...(r.forecasts === null ? {} : { forecastMethod: FORECAST_METHOD, forecasts: r.forecasts }),
        },
        null,
        2,
      ) + "\n"
    );
  }
  const head = [...r.by, "requests", "input_tokens", "output_tokens", "cost_usd", "estimated"];
  const rows = r.groups.map((g) => [
    ...r.by.map((d) => g.group[d] ?? "-"),
    String(g.figures.requests),
    String(g.figures.inputTokens),
    String(g.figures.outputTokens),
    g.figures.costUsd.toFixed(6),
    String(g.figures.estimated),
  ]);
  if (format === "csv") return [head, ...rows].map((row) => row.map(csvCell).join(",")).join("\n") + "\n";
  let out = `usage from ${r.source}, ${new Date(r.since).toISOString()} to ${new Date(r.until).toISOString()}\n\n${table([head, ...rows])}`;
  if (r.forecasts !== null && r.forecasts.length > 0) {
    const fhead = [...r.by, "month_to_date", "rate_per_day", "projected", "range", "budget"];
    const frows = r.forecasts.map((f) => [
      ...r.by.map((d) => f.group[d] ?? "-"),
      `$${f.monthToDateUsd.toFixed(2)}`,
      `$${f.dailyRateUsd.toFixed(2)}`,
      `$${f.projectedUsd.toFixed(2)}${f.projectedOverrun ? " OVER" : ""}`,
      `$${f.lowUsd.toFixed(2)}–$${f.highUsd.toFixed(2)}`,
      f.budgetUsd === null ? "-" : `$${f.budgetUsd}`,
    ]);
    out += `\nmonth-end forecast (${FORECAST_METHOD})\n\n${table([fhead, ...frows])}`;
  }
  return out;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]!) : c)).join("  ")).join("\n") + "\n";
}

function csvCell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function usage(message: string): number {
  process.stderr.write(`tollgate usage: ${message}\n`);
  return 2;
}
