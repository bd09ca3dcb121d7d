/**
 * The plan: what the compiler emits and the runtime executes. Plain JSON, canonical
 * (sorted keys), versioned and content-hashed. Every cross-reference is an array index,
 * so the runtime follows indices and never re-reads policy. These zod schemas are the
 * source of the plan's TypeScript types and of `schemas/generated/plan.schema.json`;
 * the runtime imports only the types (`import type`) and the generated validator.
 */
import { z } from "zod";
import { PlanAdmin, PlanAlerts, PlanAudit, PlanConcurrency, PlanShutdown, PlanTls, PlanTraces, PlanUpstreamTls } from "./operations.js";
import { PlanGuardrails } from "./guardrails.js";
import { PlanMemory, PlanRouteCache } from "./cache.js";
import { PlanRoutePrompts, PlanTemplate } from "./prompts.js";
import { ErrorClassName } from "./error-class.js";
import { PlanHealth, PlanReliability } from "./reliability.js";
import { PlanCostTags, PlanQuota, PlanStores } from "./quota.js";
import { PlanAdapterId, PlanAdapterOptions } from "./protocols.js";

const index = z.number().int().min(0);

/** A secret reference, resolved by the runtime when it links the plan; never a value. */
export const PlanSecretRef = z.string().regex(/^(env:[A-Za-z_][A-Za-z0-9_]*|file:\/.+)$/);

export const PlanTimeouts = z.strictObject({
  /** TCP (and TLS) connect timeout in ms. */
  connectMs: z.number().int().positive(),
  /** Time from sending the request to receiving response headers, in ms. */
  firstByteMs: z.number().int().positive(),
  /** Time from sending the request to the first generated token, in ms; absent when not set. */
  firstTokenMs: z.number().int().positive().optional(),
  /** Longest gap between two body chunks of the response, in ms (streams included). */
  idleMs: z.number().int().positive(),
  /** Whole-attempt deadline in ms, from send to the last byte. */
  totalMs: z.number().int().positive(),
  /** Longest wait for a free connection of the pool, in ms; absent: DEFAULT_CONNECTION_WAIT_MS (constants.ts). */
  connectionWaitMs: z.number().int().positive().optional(),
});

/** One upstream origin (a policy provider), with its connection pool settings. */
export const PlanUpstream = z.strictObject({
  /** Policy name of the provider; for logs and errors only. */
  name: z.string(),
  /** The wire protocol adapter id. */
  adapter: PlanAdapterId,
  /** The adapter's settings (its `adapter` equals the field above): see protocols.ts. */
  options: PlanAdapterOptions,
  /** scheme://host[:port], the key of the undici pool. */
  origin: z.string(),
  /** Path prefix in front of the API paths, without a trailing slash (e.g. "/v1"). */
  basePath: z.string(),
  /**
   * Which addresses connections may reach (schemas/plan/address-class.ts), checked on
   * every address the origin's host resolves to: `public` only, also `loopback` (the
   * origin names a loopback host), or also `private` (the policy's `network: private`).
   * Link-local and metadata addresses never.
   */
  network: z.enum(["public", "loopback", "private"]),
  /** Secret references of the API keys, used in turn; empty when the upstream needs none. */
  apiKeys: z.array(PlanSecretRef),
  /** When true, an upstream whose secrets are unset at link time is disabled, not an error. */
  optional: z.boolean(),
  timeouts: PlanTimeouts,
  /** Most concurrent connections to this origin. */
  connections: z.number().int().positive(),
  /** Certificate verification settings for an https origin; absent: the system CA store. */
  tls: PlanUpstreamTls.optional(),
  /** Concurrent request limit; absent: none (no per-request cost). */
  concurrency: PlanConcurrency.optional(),
  /** Weights of `apiKeys` (same length); absent when all keys weigh the same. */
  keyWeights: z.array(z.number().nonnegative()).optional(),
  /** Circuit breaker and probe settings; absent when the policy sets no `health`. */
  health: PlanHealth.optional(),
});

/** A (provider, upstream model name) pair that a public model can be served by. */
export const PlanTarget = z.strictObject({
  upstream: index,
  /** Model name sent upstream. */
  model: z.string(),
  /**
   * USD per 1M tokens, from the policy or the price catalog; absent when unknown.
   * Used for cost estimates (simulate) and, later, spend accounting.
   */
  price: z
    .strictObject({
      input: z.number().nonnegative(),
      output: z.number().nonnegative(),
      /** USD per 1M input tokens read from the provider's prompt cache; absent: the input price. */
      cachedInput: z.number().nonnegative().optional(),
      /** USD per minute of audio transcribed; absent: 0. */
      audioMinute: z.number().nonnegative().optional(),
      /** USD per 1M characters turned into speech; absent: 0. */
      characters: z.number().nonnegative().optional(),
    })
    .optional(),
  /** The upstream model's context window in tokens (policy or catalog); absent when unknown. Used by the `cost` strategy. */
  contextWindow: z.number().int().positive().optional(),
});

/** The scorer kinds of a selection program (see runtime/routing/selection/). */
export const PlanScorerKind = z.enum(["weighted", "latency", "cost", "least-busy", "session-affinity", "prefix-affinity"]);

/**
 * A model's selection program: filter (availability) → score (each scorer gives every
 * candidate a score in [0, 1]; the weighted sum counts) → pick. Absent on a model
 * picked by weight alone, which keeps the one-draw fast path.
 */
export const PlanSelection = z.strictObject({
  /** Scorers with their weights in the sum; at least one. */
  scorers: z.array(z.strictObject({ kind: PlanScorerKind, weight: z.number().positive() })).min(1),
  /** `weighted-random`: draw proportionally to the summed score; `max-score`: the best (ties drawn at random). */
  picker: z.enum(["weighted-random", "max-score"]),
  /** Bounded-load factor c: a candidate is skipped while in-flight + 1 > ceil(c × share × (total in-flight + 1)); 0 = off. */
  loadBound: z.number().nonnegative(),
  /** Share of picks sent to a uniformly random candidate (latency exploration); 0 = none. */
  exploration: z.number().min(0).max(1),
  /** EWMA smoothing factor of the latency scorer, from the half-life: 1 - 2^(-1/halfLife). */
  ewmaAlpha: z.number().gt(0).max(1),
  /** Session-affinity header (lower-case). */
  sessionHeader: z.string(),
  /** Prefix-affinity block size in characters (block tokens × 4). */
  blockChars: z.number().int().positive(),
  /** Prefix-affinity: prompt blocks hashed at most. */
  maxBlocks: z.number().int().positive(),
  /** Cost scorer: completion tokens assumed when the request sets no max_tokens. */
  outputTokens: z.number().int().positive(),
});

/** A public model: how to pick a target and where to go when it fails. */
export const PlanModel = z.strictObject({
  /** The public model name clients send. */
  name: z.string(),
  /** Targets chosen by weight (indices into `targets`). */
  weighted: z.array(index).min(1),
  /** Cumulative weights for `weighted`, ending at `totalWeight`; pick with one random draw. */
  cumulativeWeights: z.array(z.number().positive()).min(1),
  /**
   * The attempt order after the picked target: all weighted targets by descending
   * weight (the runtime skips the one it picked), then weight-0 standby targets, then
   * the policy's fallbacks, each target at most once.
   */
  fallbacks: z.array(index),
  /**
   * fallbackOn[i]: the error classes after which `fallbacks[i]` is tried. Absent when
   * every entry uses the default set (DEFAULT_FALLBACK_ON in constants.ts).
   */
  fallbackOn: z.array(z.array(ErrorClassName)).optional(),
  /** Retries, attempt budget, deadline, hedging, degraded answer; absent when none is set. */
  reliability: PlanReliability.optional(),
  /** The selection program; absent: one weighted draw over `cumulativeWeights`. */
  selection: PlanSelection.optional(),
});

/**
 * One condition on a request header (name lower-case). `exact` compares the value,
 * `regex` tests it (JavaScript syntax, `u` flag, proven free of catastrophic
 * backtracking by the compiler); both fail when the header is absent.
 */
export const PlanHeaderCondition = z.discriminatedUnion("kind", [
  z.strictObject({ header: z.string(), kind: z.literal("exact"), value: z.string() }),
  z.strictObject({ header: z.string(), kind: z.literal("regex"), value: z.string() }),
  z.strictObject({ header: z.string(), kind: z.enum(["present", "absent"]) }),
]);

/** A route: a model-name matcher (first match wins) that sends traffic to a public model. */
export const PlanRoute = z.strictObject({
  /** Policy name of the route (or "model:<name>" for the implicit route of a model). */
  name: z.string(),
  /** Index into `models`. */
  model: index,
  /** Header conditions that must all hold, sorted by header; absent when the route has none. */
  headers: z.array(PlanHeaderCondition).min(1).optional(),
  /** Decorators and accepted templates; absent when the route has none. */
  prompts: PlanRoutePrompts.optional(),
  /** The response cache; absent when the route caches nothing. */
  cache: PlanRouteCache.optional(),
  /** Conversation memory; absent when off. */
  memory: PlanMemory.optional(),
  /** The request path must be one of these; absent: any path. */
  paths: z.array(z.string()).min(1).optional(),
  /** The calling consumer must be one of these (consumer/team/tag matchers, resolved); absent: anyone. */
  consumers: z.array(index).optional(),
  /** Estimated prompt tokens must lie in [min, max] (inclusive); absent: any size. */
  promptTokens: z.strictObject({ min: z.number().int().nonnegative(), max: z.number().int().nonnegative().optional() }).optional(),
  /** The last user message must match one of these classifiers (indices into `routing.classifiers.names`). */
  classifiers: z.array(index).min(1).optional(),
});

/**
 * Content classifiers, compiled: every keyword of every classifier (the runtime builds
 * one Aho-Corasick automaton per case mode at link time), and per classifier one
 * combined expression of its patterns (proven safe by the compiler), or null.
 */
export const PlanClassifiers = z.strictObject({
  names: z.array(z.string()).min(1),
  /** Keywords (lower-cased unless case-sensitive), each with the classifier it belongs to. */
  keywords: z.array(z.strictObject({ text: z.string(), classifier: index, caseSensitive: z.boolean(), wholeWord: z.boolean() })),
  /** patterns[c]: classifier c's patterns as one expression (`u` flag), or null. */
  patterns: z.array(z.string().nullable()),
  /** Characters of the last user message scanned at most. */
  maxChars: z.number().int().positive(),
});

/**
 * Route matching, compiled. A requested name in `exact` resolves in one map lookup.
 * A name in `guarded` has routes with header conditions in front of it: its candidate
 * routes are tried in order (conditions checked), the last one often unconditional.
 * Any other name tries `globs` in order, checking the conditions of the routes that
 * have them. The two maps never share a name.
 */
export const PlanRouteTable = z.strictObject({
  routes: z.array(PlanRoute),
  /** Requested model name → route index, with first-match order already applied; no header checks needed. */
  exact: z.record(z.string(), index),
  /** Requested model name → candidate route indices in first-match order; absent when no route has headers. */
  guarded: z.record(z.string(), z.array(index).min(1)).optional(),
  /** Glob routes in policy order, matched without backtracking (schemas/plan/glob-match.ts). */
  globs: z.array(z.strictObject({ pattern: z.string(), route: index })),
  /** Content classifiers that routes use; absent when none does. */
  classifiers: PlanClassifiers.optional(),
});

/** A consumer: who may call, identified by key hashes, allowed to reach some models. */
export const PlanConsumer = z.strictObject({
  name: z.string(),
  /** Lower-case hex SHA-256 digests of the consumer's API keys (the unkeyed form). */
  keySha256: z.array(z.string().regex(/^[0-9a-f]{64}$/)),
  /** Lower-case hex HMAC-SHA256 (keyed with `listener.apiKeys.hmacSecret`) of the SHA-256 of each key; absent when none. */
  keyHmac: z
    .array(z.string().regex(/^[0-9a-f]{64}$/))
    .min(1)
    .optional(),
  /** When keys expire: digest (either form) → ISO 8601 UTC instant; absent when no key expires. */
  keyExpiry: z.record(z.string().regex(/^[0-9a-f]{64}$/), z.string()).optional(),
  /** allowedModels[i] is true when the consumer may use models[i]. */
  allowedModels: z.array(z.boolean()),
  /** The consumer's team (quotas, usage ledger); absent when it has none. */
  team: z.string().optional(),
  /** Names of the keys, parallel to keySha256 followed by keyHmac (null: unnamed); absent when none is named. */
  keyNames: z.array(z.string().nullable()).optional(),
  /** Cost-allocation tags of the consumer (as text); absent when it has none. */
  tags: z.record(z.string(), z.string()).optional(),
  /** Cost-allocation tags per key, parallel to keySha256 followed by keyHmac (null: none); absent when no key has tags. */
  keyTags: z.array(z.record(z.string(), z.string()).nullable()).optional(),
});

export const PlanListener = z.strictObject({
  /** Largest request body accepted, in bytes (413 above). */
  maxBodyBytes: z.number().int().positive(),
  /** Largest multipart audio upload accepted (POST /v1/audio/transcriptions), in bytes; absent in plans from before audio (then `maxBodyBytes`). */
  maxAudioBytes: z.number().int().positive().optional(),
  /** Deepest JSON nesting accepted in a request body (400 above), checked before parsing. */
  maxJsonDepth: z.number().int().positive(),
  /** Every request ends within this many ms of its arrival (the pipeline's one deadline: 504, or an error event, then a close). */
  requestTimeoutMs: z.number().int().positive(),
  /** Graceful shutdown timing. */
  shutdown: PlanShutdown,
  /** Whether GET /metrics is also served on this (the client) listener. */
  metrics: z.boolean(),
  /** The admin listener, or null when there is none. */
  admin: PlanAdmin.nullable(),
  /** The audit log, or null when it is off. */
  audit: PlanAudit.nullable(),
  /** TLS of the client listener; absent: plain HTTP. */
  tls: PlanTls.optional(),
  /** OTLP trace export; absent: off. */
  traces: PlanTraces.optional(),
  /** Alert rules; absent: none. */
  alerts: PlanAlerts.optional(),
  /** How API keys are checked; absent: only unkeyed SHA-256 digests. */
  apiKeys: z.strictObject({ hmacSecret: z.string().regex(/^(env:[A-Za-z_][A-Za-z0-9_]*|file:\/.+)$/) }).optional(),
});

export const Plan = z.strictObject({
  planVersion: z.literal(2),
  compilerVersion: z.string(),
  /** "sha256:<hex>" of the canonical JSON of the plan without this field. */
  hash: z.string().regex(/^sha256:[0-9a-f]{64}$/),
  listener: PlanListener,
  upstreams: z.array(PlanUpstream),
  targets: z.array(PlanTarget),
  models: z.array(PlanModel),
  routing: PlanRouteTable,
  consumers: z.array(PlanConsumer),
  /** Public names listed by GET /v1/models, each with the model index that serves it. */
  publicModels: z.array(z.strictObject({ id: z.string(), model: index })),
  /** Prompt templates, by index; absent when the policy has none. */
  templates: z.array(PlanTemplate).optional(),
  /** Quotas and budgets, in policy order; absent when the policy has none (no per-request work). */
  quotas: z.array(PlanQuota).optional(),
  /** External state stores; absent when the policy declares none. */
  stores: PlanStores.optional(),
  /** Cost-allocation tags by header and as metric labels; absent when the policy declares none. */
  costTags: PlanCostTags.optional(),
  /** Guardrail chains and the chain of each route; absent when no route has guardrails. */
  guardrails: PlanGuardrails.optional(),
});

export type Plan = z.infer<typeof Plan>;
export type PlanUpstream = z.infer<typeof PlanUpstream>;
export type PlanTarget = z.infer<typeof PlanTarget>;
export type PlanModel = z.infer<typeof PlanModel>;
export type PlanRoute = z.infer<typeof PlanRoute>;
export type PlanRouteTable = z.infer<typeof PlanRouteTable>;
export type PlanHeaderCondition = z.infer<typeof PlanHeaderCondition>;
export type PlanConsumer = z.infer<typeof PlanConsumer>;
export type PlanListener = z.infer<typeof PlanListener>;
export type PlanTimeouts = z.infer<typeof PlanTimeouts>;
export type PlanSelection = z.infer<typeof PlanSelection>;
export type PlanScorerKind = z.infer<typeof PlanScorerKind>;
export type PlanClassifiers = z.infer<typeof PlanClassifiers>;
