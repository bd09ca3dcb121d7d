/**
 * Caching and conversation memory of a route. Their shared state goes to the
 * gateway's Redis (`stores.redis`, see quota.ts) when they say `store: redis`.
 */
import { z } from "zod";
import { Duration, Name, SecretRef, Size } from "./common.js";

/** Where shared state lives: this process, or the gateway's Redis (`stores.redis`). */
export const StateStore = z.enum(["memory", "redis"]);

export const ExactCache = z
  .strictObject({
    ttl: Duration.optional().describe("How long an answer is served from the cache. Default 10m."),
    maxBytes: Size.optional().describe("Memory bound of this route's entries (least recently used go first). Default 64MiB."),
  })
  .describe("Serve identical requests from the cache.");

export const SemanticCache = z
  .strictObject({
    embedding: z
      .strictObject({
        provider: Name.describe(
          "The provider that computes embeddings: an OpenAI-compatible kind (`/embeddings`), `azure-openai` (its deployment), `bedrock` (InvokeModel: Titan, Cohere Embed), `gemini` (`embedContent`) or `vertex` (`:predict`).",
        ),
        model: z.string().min(1).describe("The embedding model sent to it."),
      })
      .describe("Where embeddings come from."),
    threshold: z.number().gt(0).max(1).optional().describe("Cosine similarity at or above which a cached answer is served. Default 0.95."),
    ttl: Duration.optional().describe("How long an entry is served. Default 1h."),
    maxEntries: z.number().int().positive().max(1_000_000).optional().describe("Entries kept per scope (oldest go first). Default 10000."),
    store: StateStore.optional().describe("`redis` shares entries across replicas through `stores.redis`. Default `memory` (in-process)."),
    timeout: Duration.optional().describe("Longest wait for an embedding; on timeout the request goes upstream uncached. Default 2s."),
  })
  .describe("Serve requests whose last user message means the same as a cached one.");

export const RouteCache = z
  .strictObject({
    exact: ExactCache.optional(),
    semantic: SemanticCache.optional(),
    scope: z.enum(["consumer", "gateway"]).optional().describe("Who shares entries: each consumer its own (default), or every consumer."),
    maxTemperature: z
      .number()
      .min(0)
      .max(2)
      .optional()
      .describe("Only requests that set `temperature` at or below this are cached. Default: any request (exact), temperature 0 (semantic)."),
    encryptionKey: SecretRef.optional().describe("Encrypt stored answers (AES-256-GCM) with this key (32 bytes as hex or base64, or a passphrase)."),
  })
  .refine((c) => c.exact !== undefined || c.semantic !== undefined, "give `exact`, `semantic` or both")
  .describe("The response cache of a route.");

export const Memory = z
  .strictObject({
    maxTurns: z.number().int().positive().max(1000).optional().describe("Most prior turns (a user message and its answer) supplied. Default 20."),
    maxTokens: z.number().int().positive().optional().describe("Most estimated tokens of prior turns supplied. Default 4000."),
    contextWindow: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("The target model's context window in tokens; prior turns are trimmed to fit the request within it. Default 128000."),
    ttl: Duration.optional().describe("How long a conversation is kept after its last turn. Default 1h."),
    store: StateStore.optional().describe("`redis` shares conversations across replicas through `stores.redis`. Default `memory` (in-process)."),
    maxSessions: z.number().int().positive().optional().describe("In-process only: most conversations kept (least recently used go first). Default 10000."),
  })
  .describe("Conversation memory: with an `x-tollgate-session` header, prior turns are kept per consumer and supplied to the model.");

export type RouteCache = z.infer<typeof RouteCache>;
export type Memory = z.infer<typeof Memory>;
