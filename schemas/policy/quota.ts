/**
 * Quotas and budgets: limits on requests, tokens, USD spend, seconds of audio or
 * characters of speech per window, per scope,
 * enforced before the upstream call (reserve an estimate) and settled after it with
 * the real usage. And the stores that hold their counters.
 */
import { z } from "zod";
import { HeaderName, Name, SecretRef } from "./common.js";

export const QUOTA_UNITS = ["requests", "tokens", "input-tokens", "output-tokens", "usd", "audio-seconds", "characters"] as const;
export const QUOTA_WINDOWS = ["second", "minute", "hour", "day", "month"] as const;
export const QUOTA_SCOPES = ["global", "team", "consumer", "key", "model", "provider", "header"] as const;

export const QuotaMatch = z
  .strictObject({
    teams: z.array(Name).min(1).optional().describe("Only requests from consumers of these teams."),
    consumers: z.array(Name).min(1).optional().describe("Only requests from these consumers."),
    models: z.array(Name).min(1).optional().describe("Only requests routed to these public models."),
  })
  .describe("Which requests the quota applies to; every list given must match. Omitted: all requests.");

export const QuotaAction = z
  .union([z.literal("reject"), z.strictObject({ downgrade: Name.describe("The public model that serves the request instead (usually a cheaper one).") })])
  .describe("What happens when the quota is exhausted: `reject` (429, default) or `{ downgrade: <model> }`.");

export const Quota = z
  .strictObject({
    name: Name.describe("The quota's name: in 429 messages, headers, metrics, the usage ledger. Counters are kept by it, so they survive reloads."),
    limit: z.number().positive().finite().describe("How much may be used per window, in the quota's unit (requests, tokens, USD, seconds of audio, characters)."),
    unit: z
      .enum(QUOTA_UNITS)
      .optional()
      .describe(
        "What is counted: `requests`, `tokens` (input + output), `input-tokens`, `output-tokens`, `usd` (spend at the targets' prices), `audio-seconds` (audio transcribed: `/v1/audio/transcriptions`) or `characters` (text turned into speech: `/v1/audio/speech`). Default `tokens`.",
      ),
    per: z.enum(QUOTA_WINDOWS).describe("The window: `second`, `minute`, `hour`, `day` (UTC) or `month` (calendar month, UTC)."),
    burst: z
      .number()
      .positive()
      .finite()
      .optional()
      .describe(
        "Makes the quota a token bucket: at most `burst` at once, refilled continuously at `limit` per window. Without it the window is fixed (resets at the window boundary).",
      ),
    scope: z
      .enum(QUOTA_SCOPES)
      .optional()
      .describe("One counter for everything (`global`, default), or one per team, consumer, API key, public model, provider, or value of `header`."),
    header: HeaderName.optional().describe(
      "With `scope: header`: the request header whose value keys the counter (e.g. `x-tenant`). A request without it is not counted by this quota.",
    ),
    match: QuotaMatch.optional(),
    consistency: z
      .enum(["local", "shared"])
      .optional()
      .describe("`local`: counted in this gateway process (all its threads); `shared`: across every replica through `stores.redis`. Default `local`."),
    action: QuotaAction.optional(),
    onStoreFailure: z
      .enum(["open", "closed"])
      .optional()
      .describe("When the shared store cannot be reached: `open` admits uncounted, `closed` answers 503. Default `closed` for `usd`, `open` otherwise."),
    outputTokens: z
      .number()
      .int()
      .positive()
      .max(10_000_000)
      .optional()
      .describe("Output tokens reserved at admission for a request that sends no `max_tokens`/`max_completion_tokens`. Default 4096."),
    count: z
      .enum(["estimate", "exact"])
      .optional()
      .describe(
        "Prompt tokens at admission: a cheap bounded estimate (default) or an exact tokenizer count off the event loop (falls back to the estimate past its time budget). Settled with the upstream's usage either way.",
      ),
  })
  .describe("A limit on requests, tokens or spend per window.");

export const RedisStore = z
  .strictObject({
    url: SecretRef.describe("The Redis URL, as a secret reference (`env:REDIS_URL`): `redis://[user:password@]host:port[/db]` or `rediss://`."),
    prefix: z
      .string()
      .regex(/^[A-Za-z0-9:_.-]{1,64}$/)
      .optional()
      .describe("Key prefix, so several gateways can share one Redis. Default `tollgate`."),
    timeout: z
      .union([z.number().int().positive(), z.string().regex(/^\d+(\.\d+)?(ms|s)$/)])
      .optional()
      .describe("How long one command may take before the store counts as failed. Default 250ms."),
  })
  .describe("A Redis server shared by every replica (quotas with `consistency: shared`).");

export const Stores = z
  .strictObject({
    redis: RedisStore.optional(),
    encryptionKeys: z
      .array(SecretRef)
      .min(1)
      .optional()
      .describe(
        "Keys that encrypt everything the gateway stores (conversation memory, response caches without their own `encryptionKey`) with AES-256-GCM: 32 bytes as hex or base64, or a passphrase. The first key encrypts; every key decrypts, so a key is rotated by putting the new one first and keeping the old one until what it encrypted has expired.",
      ),
  })
  .describe("External state stores.");

export type Quota = z.infer<typeof Quota>;
export type QuotaMatch = z.infer<typeof QuotaMatch>;
export type Stores = z.infer<typeof Stores>;
export type RedisStore = z.infer<typeof RedisStore>;
