/**
 * Usage records in PostgreSQL (`stores.postgres`, the `pg` client): the migration that
 * creates the table, batched multi-row INSERTs that skip a request id already stored
 * (so a spool replayed twice counts once), and the reads `tollgate usage` makes.
 *
 * Migrations are numbered and recorded in `<table>_migrations`; they run under a
 * transaction-scoped advisory lock, so replicas starting together apply each once.
 */
import { createRequire } from "node:module";
import type pg from "pg";
import type { UsageRecord } from "../base/usage-record.js";

/** The columns, in INSERT order, with how each is read from a record. */
const COLUMNS: readonly [string, (r: UsageRecord) => unknown][] = [
  ["request_id", (r) => r.requestId],
  ["time", (r) => new Date(r.time).toISOString()],
  ["endpoint", (r) => r.endpoint],
  ["consumer", (r) => r.consumer],
  ["team", (r) => r.team],
  ["key_name", (r) => r.keyName],
  ["tags", (r) => JSON.stringify(r.tags)],
  ["route", (r) => r.route],
  ["model", (r) => r.model],
  ["provider", (r) => r.provider],
  ["target", (r) => r.target],
  ["attempts", (r) => r.attempts],
  ["input_tokens", (r) => r.inputTokens],
  ["cached_input_tokens", (r) => r.cachedInputTokens],
  ["output_tokens", (r) => r.outputTokens],
  ["reasoning_tokens", (r) => r.reasoningTokens],
  ["audio_seconds", (r) => r.audioSeconds],
  ["characters", (r) => r.characters],
  ["cost_usd", (r) => r.costUsd],
  ["latency_ms", (r) => r.latencyMs],
  ["status", (r) => r.status],
  ["outcome", (r) => r.outcome],
  ["estimated", (r) => r.estimated],
  ["stream", (r) => r.stream],
  ["cache", (r) => r.cache],
  ["plan_hash", (r) => r.plan],
];

/** The migrations, in order; each runs once per database. */
function migrations(table: string): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${table} (
      request_id text PRIMARY KEY,
      time timestamptz NOT NULL,
      endpoint text NOT NULL,
      consumer text,
      team text,
      key_name text,
      tags jsonb NOT NULL DEFAULT '{}',
      route text,
      model text,
      provider text,
      target text,
      attempts integer NOT NULL,
      input_tokens bigint NOT NULL,
      cached_input_tokens bigint NOT NULL,
      output_tokens bigint NOT NULL,
      reasoning_tokens bigint NOT NULL,
      audio_seconds double precision NOT NULL,
      characters bigint NOT NULL,
      cost_usd numeric(20, 10) NOT NULL,
      latency_ms double precision NOT NULL,
      status integer NOT NULL,
      outcome text NOT NULL,
      estimated boolean NOT NULL,
      stream boolean NOT NULL,
      cache text,
      plan_hash text NOT NULL
    );
    CREATE INDEX IF NOT EXISTS ${table}_time ON ${table} (time);
    CREATE INDEX IF NOT EXISTS ${table}_team_time ON ${table} (team, time);`,
  ];
}

export interface PostgresUsageOptions {
  /** The resolved connection string (a secret: never logged). */
  readonly url: string;
  readonly table: string;
  /** Connection and statement deadline, ms. */
  readonly timeoutMs: number;
}

/** One aggregated row of a usage query. */
export interface UsageAggregate {
  readonly group: Record<string, string | null>;
  readonly requests: number;
  readonly inputTokens: number;
  readonly cachedInputTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
  readonly costUsd: number;
  readonly estimated: number;
}

export class PostgresUsage {
  readonly table: string;
  readonly #pool: pg.Pool;
  #migrated: Promise<void> | null = null;

  constructor(opts: PostgresUsageOptions) {
    this.table = opts.table;
    this.#pool = new (loadPg().Pool)({
      connectionString: opts.url,
      max: 2,
      connectionTimeoutMillis: opts.timeoutMs,
      statement_timeout: Math.max(opts.timeoutMs, 10_000),
      query_timeout: Math.max(opts.timeoutMs, 10_000),
      idleTimeoutMillis: 30_000,
    });
    // An idle client losing its connection must not crash the process; the next query reconnects.
    this.#pool.on("error", () => undefined);
  }

  /** Applies the migrations not yet applied (once per instance, retried after a failure). */
  migrate(): Promise<void> {
    this.#migrated ??= this.#migrate().catch((err: unknown) => {
      this.#migrated = null;
      throw err;
    });
    return this.#migrated;
  }

  async #migrate(): Promise<void> {
    const client = await this.#pool.connect();
    try {
      await client.query("BEGIN");
      await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`${this.table}_migrations`]);
      await client.query(`CREATE TABLE IF NOT EXISTS ${this.table}_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
      const done = new Set((await client.query<{ version: number }>(`SELECT version FROM ${this.table}_migrations`)).rows.map((r) => r.version));
      const all = migrations(this.table);
      for (let v = 1; v <= all.length; v++) {
        if (done.has(v)) continue;
        await client.query(all[v - 1]!);
        await client.query(`INSERT INTO ${this.table}_migrations (version) VALUES ($1)`, [v]);
      }
      await client.query("COMMIT");
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Inserts the records in one statement; a request id already stored is skipped. */
  async insert(records: readonly UsageRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.migrate();
    const values: unknown[] = [];
    const rows: string[] = [];
    for (const r of records) {
      const base = values.length;
      rows.push(`(${COLUMNS.map((_, i) => `$${base + i + 1}`).join(",")})`);
      for (const [, read] of COLUMNS) values.push(read(r));
    }
    await this.#pool.query(`INSERT INTO ${this.table} (${COLUMNS.map(([c]) => c).join(",")}) VALUES ${rows.join(",")} ON CONFLICT (request_id) DO NOTHING`, values);
  }

  /** Rows since `since`, summed per the given columns (team, consumer, model, provider, key_name, or `tag:<name>`). */
  async aggregate(since: Date, until: Date, by: readonly string[]): Promise<UsageAggregate[]> {
    await this.migrate();
    const exprs = by.map((b) => (b.startsWith("tag:") ? `tags->>${literal(b.slice(4))}` : column(b)));
    const select = exprs.map((e, i) => `${e} AS g${i}`);
    const group = exprs.length === 0 ? "" : `GROUP BY ${exprs.map((_, i) => `g${i}`).join(",")} ORDER BY ${exprs.map((_, i) => `g${i}`).join(",")}`;
    const sql = `SELECT ${[...select, "count(*) AS requests", "sum(input_tokens) AS i", "sum(cached_input_tokens) AS c", "sum(output_tokens) AS o", "sum(reasoning_tokens) AS r", "sum(cost_usd) AS usd", "count(*) FILTER (WHERE estimated) AS est"].join(", ")} FROM ${this.table} WHERE time >= $1 AND time < $2 ${group}`;
    const result = await this.#pool.query<Record<string, string | null>>(sql, [since.toISOString(), until.toISOString()]);
    return result.rows
      .filter((row) => Number(row.requests) > 0)
      .map((row) => ({
        group: Object.fromEntries(by.map((b, i) => [b, row[`g${i}`] ?? null])),
        requests: Number(row.requests),
        inputTokens: Number(row.i ?? 0),
        cachedInputTokens: Number(row.c ?? 0),
        outputTokens: Number(row.o ?? 0),
        reasoningTokens: Number(row.r ?? 0),
        costUsd: Number(row.usd ?? 0),
        estimated: Number(row.est ?? 0),
      }));
  }

  /** Stored rows (for tests and `tollgate usage --source postgres`). */
  async count(): Promise<number> {
    await this.migrate();
    return Number((await this.#pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${this.table}`)).rows[0]?.n ?? 0);
  }

  async close(): Promise<void> {
    await this.#pool.end().catch(() => undefined);
  }
}

const GROUP_COLUMNS = new Set(["team", "consumer", "model", "provider", "key_name", "route", "endpoint", "outcome", "target"]);

function column(name: string): string {
  const c = name === "key" ? "key_name" : name;
  if (!GROUP_COLUMNS.has(c)) throw new Error(`cannot group by ${name}: use team, consumer, model, provider, key, route, endpoint, outcome, target or tag:<name>`);
  return c;
}

function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

let pgModule: typeof pg | null = null;

/** The `pg` client, loaded when a plan first names `stores.postgres` (most processes never do). CommonJS, so loaded synchronously. */
function loadPg(): typeof pg {
  pgModule ??= createRequire(import.meta.url)("pg") as typeof pg;
  return pgModule;
}
