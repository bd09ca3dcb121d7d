/**
 * Plan form of the response caches and conversation memory (see
 * schemas/policy/cache.ts): durations in ms, sizes in bytes, defaults applied,
 * provider names resolved to indices, secrets still references.
 */
import { z } from "zod";

const SecretRef = z.string().regex(/^(env:[A-Za-z_][A-Za-z0-9_]*|file:\/.+)$/);
const index = z.number().int().min(0);

export const PlanRouteCache = z.strictObject({
  /** Who shares entries: each consumer its own, or every consumer. */
  scope: z.enum(["consumer", "gateway"]),
  /** Only requests whose `temperature` is set and at most this are cached by the exact cache; null: any. */
  exactMaxTemperature: z.number().nullable(),
  /** The same for the semantic cache (default 0). */
  semanticMaxTemperature: z.number(),
  /** Secret reference of the AES-256-GCM key; null: entries stored in clear. */
  encryptionKey: SecretRef.nullable(),
  exact: z.strictObject({ ttlMs: z.number().int().positive(), maxBytes: z.number().int().positive() }).nullable(),
  semantic: z
    .strictObject({
      /** Index into `upstreams`: where embeddings are computed. */
      upstream: index,
      model: z.string(),
      threshold: z.number().gt(0).max(1),
      ttlMs: z.number().int().positive(),
      maxEntries: z.number().int().positive(),
      timeoutMs: z.number().int().positive(),
      /** `redis`: the plan's `stores.redis`; `memory`: in-process. */
      store: z.enum(["memory", "redis"]),
    })
    .nullable(),
});

export const PlanMemory = z.strictObject({
  maxTurns: z.number().int().positive(),
  maxTokens: z.number().int().positive(),
  contextWindow: z.number().int().positive(),
  ttlMs: z.number().int().positive(),
  /** `redis`: the plan's `stores.redis`; `memory`: in-process. */
  store: z.enum(["memory", "redis"]),
  maxSessions: z.number().int().positive(),
});

export type PlanRouteCache = z.infer<typeof PlanRouteCache>;
export type PlanMemory = z.infer<typeof PlanMemory>;
