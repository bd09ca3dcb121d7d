/**
 * Quotas and budgets: limits on requests, tokens, USD spend, seconds of audio or
 * characters of speech per window, per scope,
 * enforced before the upstream call (reserve an estimate) and settled after it with
 * the real usage. And the stores that hold their counters.
 */
import { z } from "zod";
import { Duration, HeaderName, Name, SecretRef, Size } from "./common.js";

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
      .describe(
        "The deadline of one admission: past it, the store counts as failed for that request (which then fails open or closed as its quota declares). Measured from the admission, after replies already received are read. Default 250ms.",
      ),
    pool: z
      .number()
      .int()
      .min(1)
      .max(16)
      .optional()
      .describe("Connections to Redis (admissions are batched and spread over them). Default 2. A cluster or Sentinel keeps its own per node."),
    ledger: z
      .strictObject({
        retention: z
          .strictObject({
            hours: z.number().int().min(1).max(100_000).optional().describe("Hourly figures kept, in hours. Default 168 (7 days)."),
            days: z.number().int().min(1).max(100_000).optional().describe("Daily figures kept, in days. Default 400."),
            months: z.number().int().min(1).max(1_200).optional().describe("Monthly figures kept, in months. Default 36."),
          })
          .optional(),
      })
      .optional()
      .describe("The fleet-wide usage ledger kept in this Redis (always on when `stores.redis` is set): how long its figures are kept."),
  })
  .describe(
    "A Redis server shared by every replica (quotas with `consistency: shared`, the fleet ledger). `redis://`, `rediss://` (TLS), `redis+cluster://host:port,host:port` (Redis Cluster) or `redis+sentinel://host:port,host:port/<master name>` (Sentinel); user and password in the URL. Valkey is a drop-in.",
  );

export const LocalStore = z
  .strictObject({
    dir: z
      .string()
      .min(1)
      .describe("Directory the gateway keeps its state file in (local quota counters and the local usage ledger) and its spool. One directory per gateway process."),
    snapshot: Duration.optional().describe("How often the state file is written (atomically); a crash loses at most this much local counting. Default 1s."),
  })
  .describe("Persists the in-process quota counters and usage ledger across restarts. Off unless set: then local counters start from zero on every start.");

export const PostgresStore = z
  .strictObject({
    url: SecretRef.describe("The PostgreSQL connection string, as a secret reference (`env:DATABASE_URL`): `postgres://user:password@host:port/db`."),
    table: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/)
      .optional()
      .describe("The table usage records go to (created by the gateway's migration). Default `tollgate_usage`."),
    batch: z.number().int().min(1).max(5000).optional().describe("Most records in one INSERT. Default 500."),
    flush: Duration.optional().describe("Longest a settled request's record waits before it is written. Default 500ms."),
    spool: z
      .strictObject({
        maxSize: Size.optional().describe("Largest on-disk spool kept while PostgreSQL is unreachable (under `stores.local.dir`). Default 256MiB."),
      })
      .optional(),
  })
  .describe("Durable per-request usage records in PostgreSQL: one row per settled request, batched; spooled to disk while the database is down and replayed.");

export const Stores = z
  .strictObject({
    redis: RedisStore.optional(),
    encryptionKeys: z
      .array(SecretRef)
      .min(1)
      .optional()
      .describe(
        "Keys that encrypt everything the gateway stores (conversation memory, response caches without their own `encryptionKey`, the usage spool) with AES-256-GCM: 32 bytes as hex or base64, or a passphrase. The first key encrypts; every key decrypts, so a key is rotated by putting the new one first and keeping the old one until what it encrypted has expired.",
      ),
    local: LocalStore.optional(),
    postgres: PostgresStore.optional(),
  })
  .describe("State stores: in-process state on disk (`local`), Redis shared by every replica (`redis`), usage records in PostgreSQL (`postgres`).");

export type Quota = z.infer<typeof Quota>;
export type QuotaMatch = z.infer<typeof QuotaMatch>;
export type Stores = z.infer<typeof Stores>;
export type RedisStore = z.infer<typeof RedisStore>;
export type LocalStore = z.infer<typeof LocalStore>;
export type PostgresStore = z.infer<typeof PostgresStore>;
