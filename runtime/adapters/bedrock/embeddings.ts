/**
 * OpenAI `/v1/embeddings` → Bedrock `InvokeModel` (`POST {base}/model/{modelId}/invoke`)
 * in the embedding models' native bodies, as AWS documents them:
 * - Cohere Embed (`cohere.embed-*`): `{texts, input_type}`, at most 96 texts a call,
 *   answered `{embeddings: [[…], …]}` in order; it reports no token count, so prompt
 *   tokens are estimated (bounded estimator, `source: counted`);
 * - Amazon Titan Text Embeddings (every other model id): one text a call,
 *   `{inputText, dimensions?}`, answered `{embedding, inputTextTokenCount}`; usage is the
 *   sum of the token counts. `dimensions` is passed through (Titan V2 takes 256, 512 or
 *   1024; Bedrock answers anything else with a ValidationException, relayed as a 400).
 * Each call is SigV4-signed over its own bytes (the adapter's `sign`).
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
import { badRequest, isRecord, parseJson } from "../../canonical/provider-error.js";

/** Texts per Cohere Embed call on Bedrock. */
export const COHERE_MAX_TEXTS = 96;

/** The InvokeModel path of `model` under `basePath`. */
export function invokePath(basePath: string, model: string): string {
  return `${basePath}/model/${encodeURIComponent(model)}/invoke`;
}

function isCohere(model: string): boolean {
  return model.startsWith("cohere.embed") || /^[a-z]{2}\.cohere\.embed/.test(model);
}

/** Cohere's `input_type` from the client's task type (OpenAI has none: documents by default). */
function cohereInputType(req: EmbeddingsRequest): string {
  const t = req.taskType?.toLowerCase();
  if (t === "retrieval_query" || t === "search_query") return "search_query";
  if (t === "classification" || t === "clustering") return t;
  return "search_document";
}

/** Implements {@link RelayCapability.translate} for Bedrock (embeddings only). */
export function translateBedrockEmbeddings(request: RelayRequest): RelayTranslation | ProviderError {
  const req = readEmbeddingsRequest(request.body, "Bedrock");
  if ("class" in req) return req;
  const model = request.target.model;
  const path = invokePath(request.target.upstream.basePath, model);
  const cohere = isCohere(model);
  if (cohere && req.dimensions !== undefined)
    return { ...badRequest("Cohere Embed on Bedrock has a fixed size: `dimensions` is not supported", "unsupported_parameter"), param: "dimensions" };
  const sizes = cohere ? groupSizes(req.texts, COHERE_MAX_TEXTS) : req.texts.map(() => 1);
  const calls: RelayUpstreamCall[] = [];
  let start = 0;
  for (const size of sizes) {
    const texts = req.texts.slice(start, start + size);
    const body = cohere
      ? { texts, input_type: cohereInputType(req) }
      : req.dimensions === undefined
        ? { inputText: texts[0] }
        : { inputText: texts[0], dimensions: req.dimensions };
    calls.push({ path, body: JSON.stringify(body) });
    start += size;
  }
  return {
    calls,
    answer(bodies: readonly Buffer[]): RelayAnswer | ProviderError {
      const vectors: number[][] = [];
      let tokens: number | null = cohere ? null : 0;
      for (const [i, body] of bodies.entries()) {
        const parsed = parseJson(body);
        if (!isRecord(parsed)) return malformedAnswer("bedrock", "is not a JSON object");
        if (cohere) {
          const list = parsed["embeddings"];
          const floats = Array.isArray(list) ? list : isRecord(list) ? list["float"] : undefined;
          if (!Array.isArray(floats) || floats.length !== sizes[i]) return malformedAnswer("bedrock", `does not hold ${sizes[i]} embeddings`);
          for (const v of floats as unknown[]) {
            const vector = vectorOf(v);
            if (vector === null) return malformedAnswer("bedrock", "has an embedding that is not a list of numbers");
            vectors.push(vector);
          }
          continue;
        }
        const vector = vectorOf(parsed["embedding"]);
        if (vector === null) return malformedAnswer("bedrock", "has no numeric `embedding`");
        vectors.push(vector);
        const n = parsed["inputTextTokenCount"];
        tokens = tokens !== null && typeof n === "number" && Number.isFinite(n) && n >= 0 ? tokens + n : null;
      }
      const usage: Usage = tokens === null ? estimatedEmbeddingsUsage(req.texts) : { ...emptyUsage(), inputTokens: tokens };
      return { body: openAIEmbeddingsAnswer(vectors, req, request.requestedModel, usage), usage };
    },
  };
}
