/**
 * OpenAI `/v1/embeddings` → Vertex AI's text-embeddings API (Google's documented shape
 * for `gemini-embedding-001`, `text-embedding-005`, `text-multilingual-embedding-002`):
 * `POST {base}/projects/{p}/locations/{l}/publishers/{pub}/models/{m}:predict`
 * `{instances:[{content, task_type?}, …], parameters:{outputDimensionality?}}`, answered
 * `{predictions:[{embeddings:{values, statistics:{token_count, truncated}}}, …]}` in
 * input order. Usage is the sum of the predictions' `token_count` (the provider's
 * count); when one is missing, the prompt tokens are estimated from the text instead.
 *
 * Google caps one call: `gemini-embedding-001` takes one instance, the others at most
 * 250 instances and 20,000 tokens. Longer inputs are split into several calls (joined
 * in order), the token cap kept with a margin on the gateway's estimate.
 */
import { emptyUsage, type Usage } from "../../base/usage.js";
import type { RelayAnswer, RelayRequest, RelayTranslation, RelayUpstreamCall } from "../adapter.js";
import type { ProviderError } from "../../canonical/provider-error.js";
import {
  estimatedEmbeddingsUsage,
  groupSizes,
  malformedAnswer,
  openAIEmbeddingsAnswer,
  readEmbeddingsRequest,
  vectorOf,
  type EmbeddingsRequest,
} from "../../canonical/embeddings.js";
import { isRecord, parseJson } from "../../canonical/provider-error.js";

/** Instances per `:predict` call (Google's limit for the text-embedding models). */
export const VERTEX_MAX_INSTANCES = 250;
/** Estimated tokens per call: Google's 20,000, less a margin for the estimate's error. */
export const VERTEX_MAX_TOKENS = 16_000;

/** How many inputs each `:predict` call carries, for `model`. */
export function vertexCallSizes(model: string, texts: readonly string[]): number[] {
  // Google: "gemini-embedding-001 supports one instance per request".
  if (model.startsWith("gemini-embedding")) return texts.map(() => 1);
  return groupSizes(texts, VERTEX_MAX_INSTANCES, VERTEX_MAX_TOKENS);
}

/** The `:predict` body for `texts` of a read OpenAI request. */
export function vertexPredictBody(req: EmbeddingsRequest, texts: readonly string[] = req.texts): Record<string, unknown> {
  const instances = texts.map((content) => (req.taskType === undefined ? { content } : { content, task_type: req.taskType }));
  return req.dimensions === undefined ? { instances } : { instances, parameters: { outputDimensionality: req.dimensions } };
}

/** The vectors and the summed token counts (null when any prediction lacks one) of a `:predict` answer, or why they cannot be read. */
export function vertexPredictions(parsed: unknown, expected: number): { vectors: number[][]; tokens: number | null } | string {
  if (!isRecord(parsed)) return "is not a JSON object";
  const predictions = parsed["predictions"];
  if (!Array.isArray(predictions)) return "has no `predictions` list";
  if (predictions.length !== expected) return `holds ${predictions.length} predictions for ${expected} inputs`;
  const vectors: number[][] = [];
  let tokens: number | null = 0;
  for (const p of predictions as unknown[]) {
    const embeddings = isRecord(p) ? p["embeddings"] : undefined;
    const v = isRecord(embeddings) ? vectorOf(embeddings["values"]) : null;
    if (v === null) return "has a prediction without numeric `embeddings.values`";
    vectors.push(v);
    const stats = (embeddings as Record<string, unknown>)["statistics"];
    const n = isRecord(stats) ? stats["token_count"] : undefined;
    tokens = tokens !== null && typeof n === "number" && Number.isFinite(n) && n >= 0 ? tokens + n : null;
  }
  return { vectors, tokens };
}

/** Implements {@link RelayCapability.translate} for Vertex AI (embeddings only); `path` is the model's `:predict` path. */
export function translateVertexEmbeddings(request: RelayRequest, path: string): RelayTranslation | ProviderError {
  const req = readEmbeddingsRequest(request.body, "Vertex AI");
  if ("class" in req) return req;
  const sizes = vertexCallSizes(request.target.model, req.texts);
  const calls: RelayUpstreamCall[] = [];
  let start = 0;
  for (const size of sizes) {
    calls.push({ path, body: JSON.stringify(vertexPredictBody(req, req.texts.slice(start, start + size))) });
    start += size;
  }
  return {
    calls,
    answer(bodies: readonly Buffer[]): RelayAnswer | ProviderError {
      const vectors: number[][] = [];
      let tokens: number | null = 0;
      for (const [i, body] of bodies.entries()) {
        const read = vertexPredictions(parseJson(body), sizes[i]!);
        if (typeof read === "string") return malformedAnswer("vertex", read);
        for (const v of read.vectors) vectors.push(v);
        tokens = tokens !== null && read.tokens !== null ? tokens + read.tokens : null;
      }
      const usage: Usage = tokens === null ? estimatedEmbeddingsUsage(req.texts) : { ...emptyUsage(), inputTokens: tokens };
      return { body: openAIEmbeddingsAnswer(vectors, req, request.requestedModel, usage), usage };
    },
  };
}
