/**
 * The plan's `stores`: Redis (with its admission deadline, pool and ledger
 * retention), the directory in-process state is persisted to, and PostgreSQL for
 * usage records. Defaults applied, durations and sizes converted; secrets stay
 * references. Called by compile-quotas, which owns the `stores` block.
 */
import type { PlanStores } from "../../schemas/plan/quota.js";
import { type CompileContext, child } from "../context.js";
import type { ExpandedPolicy } from "../ir.js";
import { parseDuration } from "../passes/values/duration.js";
import { parseSize } from "../passes/values/size.js";

/** Defaults of the stores. */
export const STORE_DEFAULTS = {
  redisPrefix: "tollgate",
  redisTimeout: "250ms",
  redisPool: 2,
  retention: { hours: 168, days: 400, months: 36 },
  snapshot: "1s",
  postgresTable: "tollgate_usage",
  postgresBatch: 500,
  postgresFlush: "500ms",
  spoolMaxSize: "256MiB",
} as const;

export function compileStores(policy: ExpandedPolicy, ctx: CompileContext): PlanStores {
  const stores = policy.stores;
  if (stores === null) return { redis: null };
  const at = stores.at;
  const ms = (value: number | string, fallback: number, what: string, ...path: (string | number)[]): number => {
    const parsed = parseDuration(value);
    if (parsed.ok) return parsed.value;
    ctx.report("bad-duration", { what, reason: parsed.reason }, child(at, ...path));
    return fallback;
  };
  const out: PlanStores = { redis: null };
  const keys = stores.value.encryptionKeys;
  if (keys !== undefined) out.encryptionKeys = keys;
  const redis = stores.value.redis;
  if (redis !== undefined) {
    const retention = redis.ledger?.retention;
    out.redis = {
      url: redis.url,
      prefix: redis.prefix ?? STORE_DEFAULTS.redisPrefix,
      timeoutMs: ms(redis.timeout ?? STORE_DEFAULTS.redisTimeout, 250, "`stores.redis.timeout`", "redis", "timeout"),
      pool: redis.pool ?? STORE_DEFAULTS.redisPool,
      retention: {
        hours: retention?.hours ?? STORE_DEFAULTS.retention.hours,
        days: retention?.days ?? STORE_DEFAULTS.retention.days,
        months: retention?.months ?? STORE_DEFAULTS.retention.months,
      },
    };
  }
  const local = stores.value.local;
  if (local !== undefined) {
    out.local = { dir: local.dir, snapshotMs: ms(local.snapshot ?? STORE_DEFAULTS.snapshot, 1000, "`stores.local.snapshot`", "local", "snapshot") };
  }
  const pg = stores.value.postgres;
  if (pg !== undefined) {
    const size = parseSize(pg.spool?.maxSize ?? STORE_DEFAULTS.spoolMaxSize);
    if (!size.ok) ctx.report("bad-size", { what: "`stores.postgres.spool.maxSize`", reason: size.reason }, child(at, "postgres", "spool", "maxSize"));
    if (local === undefined) ctx.report("store-postgres-without-local", {}, child(at, "postgres"), { part: "key" });
    out.postgres = {
      url: pg.url,
      table: pg.table ?? STORE_DEFAULTS.postgresTable,
      batch: pg.batch ?? STORE_DEFAULTS.postgresBatch,
      flushMs: ms(pg.flush ?? STORE_DEFAULTS.postgresFlush, 500, "`stores.postgres.flush`", "postgres", "flush"),
      spoolMaxBytes: size.ok ? size.value : 256 * 1024 * 1024,
    };
  }
  return out;
}
