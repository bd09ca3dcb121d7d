/**
 * The vocabulary the plan shares with the runtime: plain constants and their types,
 * no imports (no zod), so the runtime may import this file by value. The plan's zod
 * schemas build their enums from these lists; changing one is a plan format change.
 */

/**
 * The classes every provider failure is sorted into. Adapters classify provider
 * errors (status + body, or an error event inside a 200 stream); the transport
 * classifies connection failures. Retries and fallbacks act on the class, never on a
 * provider's raw status or message; the plan's fallback, retry and degraded-answer
 * conditions name them, and the runtime keeps them as bits in this order.
 */
export const ERROR_CLASSES = [
  /** 429 or a provider's rate-limit error: another key or target may admit it. */
  "rate_limited",
  /** 503/529, Anthropic `overloaded_error`, Bedrock `ThrottlingException`-as-capacity: try elsewhere. */
  "overloaded",
  /** The prompt does not fit the model's context window: only a model with a larger window helps. */
  "context_too_long",
  /** The provider's safety system refused the prompt or the answer. */
  "content_filtered",
  /** 401/403: the gateway's credentials for this provider are wrong or revoked. */
  "auth",
  /** 400/404/422 that is the request's fault: retrying elsewhere does not help. */
  "bad_request",
  /** 5xx other than overload. */
  "server",
  /** Connect, first-byte, idle or total timeout. */
  "timeout",
  /** The connection could not be made (refused, DNS, unreachable). */
  "connect",
  /** The connection broke before the response was complete. */
  "interrupted",
] as const;

export type ErrorClass = (typeof ERROR_CLASSES)[number];

/**
 * The classes after which the next candidate in a model's attempt order is tried when
 * an entry does not say (`on:` omitted): transient and per-provider failures. A
 * request's own faults (`bad_request`), and `context_too_long` / `content_filtered`
 * (which only a differently chosen model helps with), move on only where a fallback
 * names them.
 */
export const DEFAULT_FALLBACK_ON: readonly ErrorClass[] = ["rate_limited", "overloaded", "server", "timeout", "connect", "interrupted", "auth"];

/** The classes retried on the same target when `retry.on` does not say. */
export const DEFAULT_RETRY_ON: readonly ErrorClass[] = ["rate_limited", "overloaded", "server", "timeout", "connect", "interrupted"];

/**
 * How long an upstream attempt may wait for a free connection of its provider's pool
 * (all `connections` busy) when `timeouts.connectionWait` is not set; past it the attempt
 * fails as `overloaded` and the client, unless another target takes it, gets a 503.
 * Sized in bench/pool-queue.mjs (docs/benchmarks.md): long enough that a burst of
 * short requests over the pool drains without errors, short enough that a saturated
 * pool answers in seconds instead of queueing for a minute.
 */
export const DEFAULT_CONNECTION_WAIT_MS = 5_000;

/** The wire protocols, one adapter each (runtime/adapters/registry.ts). */
export const ADAPTER_IDS = ["openai-compatible", "azure-openai", "anthropic", "bedrock", "gemini", "vertex"] as const;

export type AdapterId = (typeof ADAPTER_IDS)[number];

/** The protocols that offer embeddings (relayed or translated); the runtime's adapter table agrees (tested). */
export const EMBEDDINGS_ADAPTER_IDS: readonly AdapterId[] = ["openai-compatible", "azure-openai", "bedrock", "gemini", "vertex"];

/** The protocols that offer OpenAI's audio endpoints (transcriptions, speech); the runtime's adapter table agrees (tested). */
export const AUDIO_ADAPTER_IDS: readonly AdapterId[] = ["openai-compatible", "azure-openai"];

/**
 * The built-in PII detectors, in the order the runtime tries them at one position of
 * the text (the most specific first: a key with a known prefix before an e-mail, an
 * 18-digit resident ID before a card number). The compiler emits a route's detectors
 * in this order.
 */
export const PII_DETECTORS = ["credential", "email", "iban", "cn_id", "card", "us_ssn", "phone", "ip"] as const;

export type PiiDetectorId = (typeof PII_DETECTORS)[number];

/** What a guardrail does with a finding, from the least to the most severe. */
export const GUARDRAIL_ACTIONS = ["flag", "mask", "redact", "block"] as const;

export type GuardrailAction = (typeof GUARDRAIL_ACTIONS)[number];
