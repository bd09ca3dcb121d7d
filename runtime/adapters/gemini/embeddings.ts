/**
 * OpenAI `/v1/embeddings` → the Gemini API (Google AI):
 * - one string → `POST {base}/models/{m}:embedContent` `{content:{parts:[{text}]}}`,
 *   answered `{embedding:{values}}`;
 * - an array of strings → `:batchEmbedContents` `{requests:[{model:"models/{m}", content}, …]}`
 *   (one request per input, each naming the model, as Google requires), answered
 *   `{embeddings:[{values}, …]}` in input order; Google takes at most 100 requests per
 *   batch, so a longer array is sent as several batches, joined in order;
 * - `dimensions` → `outputDimensionality`, `task_type` → `taskType` (in each request).
 *
 * The Gemini API reports no token usage for embeddings: the prompt tokens recorded and
 * returned in `usage` are then ESTIMATED from the input text (openai-embeddings.ts,
 * `source: "counted"`). A `usageMetadata.promptTokenCount`, should the answer carry
 * one, is used instead.
 */
import type { LinkedTarget } from "../../plan/linked-plan.js";
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
import { geminiModelPath } from "./request.js";

/** Requests per `batchEmbedContents` call (Google's limit). */
export const GEMINI_BATCH_MAX = 100;

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

/** How many inputs each call carries: 1 for `embedContent`, at most 100 per `batchEmbedContents`. */
export function geminiCallSizes(req: EmbeddingsRequest): number[] {
  return req.single ? [1] : groupSizes(req.texts, GEMINI_BATCH_MAX);
}

/** The Gemini calls for a read OpenAI request and its call sizes: one `embedContent`, or batches. */
export function geminiEmbedCalls(target: LinkedTarget, req: EmbeddingsRequest, sizes: readonly number[]): RelayUpstreamCall[] {
  if (req.single) return [{ path: geminiEmbedPath(target, false), body: JSON.stringify(embedRequest(req.texts[0]!, req, null)) }];
  const path = geminiEmbedPath(target, true);
  const name = resourceName(target.model);
  const calls: RelayUpstreamCall[] = [];
  let start = 0;
  for (const size of sizes) {
    calls.push({ path, body: JSON.stringify({ requests: req.texts.slice(start, start + size).map((t) => embedRequest(t, req, name)) }) });
    start += size;
  }
  return calls;
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

/** The provider's own count, when the answer reports one (null when it does not). */
function reportedTokens(parsed: Record<string, unknown>): number | null {
  const meta = parsed["usageMetadata"];
  const n = isRecord(meta) ? meta["promptTokenCount"] : undefined;
  return typeof n === "number" && Number.isFinite(n) && n >= 0 ? n : null;
}

/** Implements {@link RelayCapability.translate} for the Gemini API (embeddings only). */
export function translateGeminiEmbeddings(request: RelayRequest): RelayTranslation | ProviderError {
  const req = readEmbeddingsRequest(request.body, "Gemini");
  if ("class" in req) return req;
  const sizes = geminiCallSizes(req);
  return {
    calls: geminiEmbedCalls(request.target, req, sizes),
    answer(bodies: readonly Buffer[]): RelayAnswer | ProviderError {
      const vectors: number[][] = [];
      let reported: number | null = 0;
      for (const [i, body] of bodies.entries()) {
        const parsed = parseJson(body);
        const read = geminiVectors(parsed, req.single, sizes[i]!);
        if (typeof read === "string") return malformedAnswer("gemini", read);
        for (const v of read) vectors.push(v);
        const n = reportedTokens(parsed as Record<string, unknown>);
        reported = reported !== null && n !== null ? reported + n : null;
      }
      const usage: Usage = reported === null ? estimatedEmbeddingsUsage(req.texts) : { ...emptyUsage(), inputTokens: reported };
      return { body: openAIEmbeddingsAnswer(vectors, req, request.requestedModel, usage), usage };
    },
  };
}
