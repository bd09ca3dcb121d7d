/**
 * Plan form of quotas and stores (see schemas/policy/quota.ts): names resolved to
 * indices and masks, defaults applied, durations in ms, secrets still references.
 */
import { z } from "zod";

const index = z.number().int().min(0);
const SecretRef = z.string().regex(/^(env:[A-Za-z_][A-Za-z0-9_]*|file:\/.+)$/);

export const PlanQuota = z.strictObject({
  /** The policy name; counters are keyed by it (they survive reloads that keep it). */
  name: z.string(),
  unit: z.enum(["requests", "tokens", "input-tokens", "output-tokens", "usd", "audio-seconds", "characters"]),
  /** Amount per window (USD for `usd`). */
  limit: z.number().positive(),
  per: z.enum(["second", "minute", "hour", "day", "month"]),
  /** Token bucket capacity; null: a fixed window aligned to UTC boundaries (calendar month for `month`). */
  burst: z.number().positive().nullable(),
  scope: z.enum(["global", "team", "consumer", "key", "model", "provider", "header"]),
  /** Lower-case header name for `scope: header`, else null. */
  header: z.string().nullable(),
  /** consumers[i]: the quota applies to consumer i; null: to every consumer. */
  consumers: z.array(z.boolean()).nullable(),
  /** models[i]: the quota applies to requests routed to model i; null: to every model. */
  models: z.array(z.boolean()).nullable(),
  consistency: z.enum(["local", "shared"]),
  /** null: reject with 429; else the index of the model that serves the request instead. */
  downgrade: index.nullable(),
  /** When the shared store fails: true admits uncounted, false answers 503. */
  failOpen: z.boolean(),
  /** Output tokens reserved when the request gives no max_tokens. */
  outputTokens: z.number().int().positive(),
  /** Count prompt tokens exactly (off the event loop) at admission. */
  exact: z.boolean(),
});

export const PlanRedisStore = z.strictObject({
  url: SecretRef,
  prefix: z.string(),
  /** The admission deadline. */
  timeoutMs: z.number().int().positive(),
  /** Connections (standalone and Sentinel); absent in older plans: 2. */
  pool: z.number().int().min(1).optional(),
  /** Fleet ledger retention: hourly, daily and monthly buckets kept; absent in older plans: 168, 400, 36. */
  retention: z.strictObject({ hours: z.number().int().positive(), days: z.number().int().positive(), months: z.number().int().positive() }).optional(),
});

/** The in-process state persisted to a directory. */
export const PlanLocalStore = z.strictObject({
  dir: z.string(),
  snapshotMs: z.number().int().positive(),
});

/** Usage records in PostgreSQL. */
export const PlanPostgresStore = z.strictObject({
  url: SecretRef,
  table: z.string(),
  batch: z.number().int().positive(),
  flushMs: z.number().int().positive(),
  spoolMaxBytes: z.number().int().positive(),
});

export const PlanStores = z.strictObject({
  redis: PlanRedisStore.nullable(),
  /** Secret references of the keys that encrypt everything stored (the first seals, all open); absent: stored in clear. */
  encryptionKeys: z
    .array(z.string().regex(/^(env:[A-Za-z_][A-Za-z0-9_]*|file:\/.+)$/))
    .min(1)
    .optional(),
  /** Absent: in-process state is not persisted. */
  local: PlanLocalStore.optional(),
  /** Absent: no usage records in PostgreSQL. */
  postgres: PlanPostgresStore.optional(),
});

export type PlanQuota = z.infer<typeof PlanQuota>;
export type PlanRedisStore = z.infer<typeof PlanRedisStore>;
export type PlanStores = z.infer<typeof PlanStores>;
export type PlanLocalStore = z.infer<typeof PlanLocalStore>;
export type PlanPostgresStore = z.infer<typeof PlanPostgresStore>;

/** Cost-allocation tags from request headers, and the tags that label metrics. */
export const PlanCostTags = z.strictObject({
  /** Lower-case header name, the tag it sets, the values accepted. */
  headers: z.array(z.strictObject({ header: z.string(), tag: z.string(), values: z.array(z.string()) })),
  metrics: z.array(z.string()),
});

export type PlanCostTags = z.infer<typeof PlanCostTags>;
