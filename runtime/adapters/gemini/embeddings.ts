/**
 * OpenAI `/v1/embeddings` → the Gemini API (Google AI):
 * - one string → `POST {base}/models/{m}:embedContent` `{content:{parts:[{text}]}}`,
 *   answered `{embedding:{values}}`;
 * - an array of strings → `:batchEmbedContents` `{requests:[{model:"models/{m}", content}, …]}`
 *   (one request per input, each naming the model, as Google requires), answered
 *   `{embeddings:[{values}, …]}` in input order;
 * - `dimensions` → `outputDimensionality`, `task_type` → `taskType` (in each request).
 *
 * The Gemini API reports no token usage for embeddings: the prompt tokens recorded and
 * returned in `usage` are then ESTIMATED from the input text (openai-embeddings.ts,
 * `source: "counted"`). A `usageMetadata.promptTokenCount`, should the answer carry
 * one, is used instead.
 */
import type { LinkedTarget } from "../../plan/linked-plan.js";
import { emptyUsage, type Usage } from "../../usage/usage.js";
import type { ProviderError, RelayAnswer, RelayRequest, RelayTranslation } from "../adapter.js";
import { estimatedEmbeddingsUsage, malformedAnswer, openAIEmbeddingsAnswer, readEmbeddingsRequest, vectorOf, type EmbeddingsRequest } from "../shared/openai-embeddings.js";
import { isRecord, parseJson } from "../shared/provider-error.js";
import { geminiModelPath } from "./request.js";

/** The path of a Gemini embeddings method (`embedContent` or `batchEmbedContents`) for the target's model. */
export function geminiEmbedPath(target: LinkedTarget, batch: boolean): string {
  return `${target.upstream.basePath}/${geminiModelPath(target.model)}:${batch ? "batchEmbedContents" : "embedContent"}`;
}

/** The resource name each batch request names: `models/{m}` (a tuned model's own name kept). */
function resourceName(model: string): string {
  return model.startsWith("models/") || model.startsWith("tunedModels/") ? model : `models/${model}`;
}

function embedRequest(text: string, req: EmbeddingsRequest, model: string | null): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  if (model !== null) r["model"] = model;
  r["content"] = { parts: [{ text }] };
  if (req.taskType !== undefined) r["taskType"] = req.taskType;
  if (req.dimensions !== undefined) r["outputDimensionality"] = req.dimensions;
  return r;
}

/** The Gemini body for a read OpenAI request: one `embedContent` request, or a batch. */
export function geminiEmbedBody(req: EmbeddingsRequest, model: string): Record<string, unknown> {
  if (req.single) return embedRequest(req.texts[0]!, req, null);
  const name = resourceName(model);
  return { requests: req.texts.map((t) => embedRequest(t, req, name)) };
}

/** The vectors of a Gemini embeddings answer, in input order, or why they cannot be read. */
export function geminiVectors(parsed: unknown, single: boolean, expected: number): number[][] | string {
  if (!isRecord(parsed)) return "is not a JSON object";
  const items = single ? [parsed["embedding"]] : parsed["embeddings"];
  if (!Array.isArray(items)) return single ? "has no `embedding`" : "has no `embeddings` list";
  if (items.length !== expected) return `holds ${items.length} embeddings for ${expected} inputs`;
  const vectors: number[][] = [];
  for (const item of items as unknown[]) {
    const v = isRecord(item) ? vectorOf(item["values"]) : null;
    if (v === null) return "has an embedding without numeric `values`";
    vectors.push(v);
  }
  return vectors;
}

/** The provider's own count, when the answer reports one. */
function reportedUsage(parsed: Record<string, unknown>): Usage | null {
  const meta = parsed["usageMetadata"];
  const n = isRecord(meta) ? meta["promptTokenCount"] : undefined;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0) return null;
  return { ...emptyUsage(), inputTokens: n };
}

/** Implements {@link RelayCapability.translate} for the Gemini API (embeddings only). */
export function translateGeminiEmbeddings(request: RelayRequest): RelayTranslation | ProviderError {
  const req = readEmbeddingsRequest(request.body, "Gemini");
  if ("class" in req) return req;
  const { target, requestedModel } = request;
  return {
    path: geminiEmbedPath(target, !req.single),
    body: JSON.stringify(geminiEmbedBody(req, target.model)),
    answer(body: Buffer): RelayAnswer | ProviderError {
      const parsed = parseJson(body);
      const vectors = geminiVectors(parsed, req.single, req.texts.length);
      if (typeof vectors === "string") return malformedAnswer("gemini", vectors);
      const usage = reportedUsage(parsed as Record<string, unknown>) ?? estimatedEmbeddingsUsage(req.texts);
      return { body: openAIEmbeddingsAnswer(vectors, req, requestedModel, usage), usage };
    },
  };
}
