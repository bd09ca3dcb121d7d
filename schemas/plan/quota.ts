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
  timeoutMs: z.number().int().positive(),
});

export const PlanStores = z.strictObject({
  redis: PlanRedisStore.nullable(),
  /** Secret references of the keys that encrypt everything stored (the first seals, all open); absent: stored in clear. */
  encryptionKeys: z
    .array(z.string().regex(/^(env:[A-Za-z_][A-Za-z0-9_]*|file:\/.+)$/))
    .min(1)
    .optional(),
});

export type PlanQuota = z.infer<typeof PlanQuota>;
export type PlanRedisStore = z.infer<typeof PlanRedisStore>;
export type PlanStores = z.infer<typeof PlanStores>;
