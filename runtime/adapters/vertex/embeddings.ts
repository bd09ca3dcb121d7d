/**
 * OpenAI `/v1/embeddings` → Vertex AI's text-embeddings API (Google's documented shape
 * for `gemini-embedding-001`, `text-embedding-005`, `text-multilingual-embedding-002`):
 * `POST {base}/projects/{p}/locations/{l}/publishers/{pub}/models/{m}:predict`
 * `{instances:[{content, task_type?}, …], parameters:{outputDimensionality?}}`, answered
 * `{predictions:[{embeddings:{values, statistics:{token_count, truncated}}}, …]}` in
 * input order. Usage is the sum of the predictions' `token_count` (the provider's
 * count); when one is missing, the prompt tokens are estimated from the text instead.
 *
 * Google's limits per request (e.g. one instance for `gemini-embedding-001`, 250 for
 * `text-embedding-005`) are Vertex's to enforce: its 400 reaches the client.
 */
import { emptyUsage, type Usage } from "../../usage/usage.js";
import type { ProviderError, RelayAnswer, RelayRequest, RelayTranslation } from "../adapter.js";
import { estimatedEmbeddingsUsage, malformedAnswer, openAIEmbeddingsAnswer, readEmbeddingsRequest, vectorOf, type EmbeddingsRequest } from "../shared/openai-embeddings.js";
import { isRecord, parseJson } from "../shared/provider-error.js";

/** The `:predict` body for a read OpenAI request. */
export function vertexPredictBody(req: EmbeddingsRequest): Record<string, unknown> {
  const instances = req.texts.map((content) => (req.taskType === undefined ? { content } : { content, task_type: req.taskType }));
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
  const model = request.requestedModel;
  return {
    path,
    body: JSON.stringify(vertexPredictBody(req)),
    answer(body: Buffer): RelayAnswer | ProviderError {
      const read = vertexPredictions(parseJson(body), req.texts.length);
      if (typeof read === "string") return malformedAnswer("vertex", read);
      const usage: Usage = read.tokens === null ? estimatedEmbeddingsUsage(req.texts) : { ...emptyUsage(), inputTokens: read.tokens };
      return { body: openAIEmbeddingsAnswer(read.vectors, req, model, usage), usage };
    },
  };
}
