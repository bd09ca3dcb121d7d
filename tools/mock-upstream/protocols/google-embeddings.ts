/**
 * Google's embeddings methods, as documented (and as `@google/genai` sends and reads them):
 *
 * - Gemini API `POST /v1beta/models/{m}:embedContent` `{content:{parts:[{text}]}, taskType?,
 *   outputDimensionality?}` → `{embedding:{values}}`; `:batchEmbedContents`
 *   `{requests:[{model:"models/{m}", content, …}]}` → `{embeddings:[{values}]}`. Each batch
 *   request must name the path's model. No token usage in the answer (the real API has none).
 * - Vertex AI `POST /v1/projects/{p}/locations/{l}/publishers/{pub}/models/{m}:predict`
 *   `{instances:[{content, task_type?, title?}], parameters:{outputDimensionality?, autoTruncate?}}`
 *   → `{predictions:[{embeddings:{values, statistics:{truncated, token_count}}}], metadata:{billableCharacterCount}}`.
 *
 * Google's per-call limits are enforced as documented, so a client that splits wrongly
 * sees Google's 400: at most 100 requests per batch (Gemini); one instance per call for
 * `gemini-embedding-*`, else at most 250 instances and 20,000 tokens (Vertex).
 *
 * Vectors are the `/v1/embeddings` ones (embeddings.ts: 8 dimensions, or the `words`
 * models'), truncated to `outputDimensionality` from the end as Google does (a value
 * above the model's dimensions is an INVALID_ARGUMENT). Token counts are chars / 4, the
 * mock's rule everywhere. The model-name directives `status` and `retry` script errors.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { MockContext } from "../context.js";
import { chooseBehaviour } from "../directives.js";
import { embedFor } from "../embeddings.js";
import { parseObject, sendJson, type ProtocolWire } from "./wire.js";

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The text of a Content (its parts' text joined), or null when it has no parts. */
function textOf(content: unknown): string | null {
  const parts = record(content)?.["parts"];
  if (!Array.isArray(parts)) return null;
  return parts.map((p) => (typeof record(p)?.["text"] === "string" ? (record(p)!["text"] as string) : "")).join("");
}

/** The vector of `text` cut to `dims` (when set), or an error message. */
function vector(model: string, text: string, dims: unknown): number[] | string {
  const v = embedFor(model, text);
  if (dims === undefined) return v;
  if (typeof dims !== "number" || !Number.isInteger(dims) || dims < 1 || dims > v.length) return `* outputDimensionality: must be an integer from 1 to ${v.length} for this model.`;
  return v.slice(0, dims);
}

/** Applies the model's directives: the model name without them, or null after answering a scripted error. */
function scripted(ctx: MockContext, req: IncomingMessage, res: ServerResponse, model: string, wire: ProtocolWire): { model: string } | null {
  const choice = chooseBehaviour(ctx.defaults, req.headers, model);
  if (choice.error !== undefined) {
    wire.sendError(res, 400, choice.error);
    return null;
  }
  const b = choice.behaviour;
  if (b.status !== undefined) {
    wire.sendError(res, b.status, `Mock upstream: scripted ${b.status} error.`, b.retryAfterSeconds ?? (b.status === 429 ? 1 : undefined));
    return null;
  }
  return { model: choice.model };
}

/** Gemini `:embedContent` / `:batchEmbedContents`. */
export function geminiEmbed(ctx: MockContext, req: IncomingMessage, res: ServerResponse, model: string, batch: boolean, text: string, wire: ProtocolWire): void {
  const body = parseObject(text);
  if (typeof body === "string") return wire.sendError(res, 400, body);
  const chosen = scripted(ctx, req, res, model, wire);
  if (chosen === null) return;
  if (!batch) {
    const t = textOf(body["content"]);
    if (t === null) return wire.sendError(res, 400, "* EmbedContentRequest.content: contents is not specified");
    const v = vector(chosen.model, t, body["outputDimensionality"]);
    if (typeof v === "string") return wire.sendError(res, 400, v);
    return sendJson(res, 200, JSON.stringify({ embedding: { values: v } }));
  }
  const requests = Array.isArray(body["requests"]) ? (body["requests"] as unknown[]) : null;
  if (requests === null || requests.length === 0) return wire.sendError(res, 400, "* BatchEmbedContentsRequest.requests: requests is not specified");
  if (requests.length > 100) return wire.sendError(res, 400, "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch");
  const embeddings: { values: number[] }[] = [];
  for (const [i, r] of requests.entries()) {
    const request = record(r) ?? {};
    if (request["model"] !== `models/${model}`) {
      return wire.sendError(res, 400, `* BatchEmbedContentsRequest.requests[${i}].model: the model in each request must match the batch's model (models/${model}).`);
    }
    const t = textOf(request["content"]);
    if (t === null) return wire.sendError(res, 400, `* BatchEmbedContentsRequest.requests[${i}].content: contents is not specified`);
    const v = vector(chosen.model, t, request["outputDimensionality"]);
    if (typeof v === "string") return wire.sendError(res, 400, v);
    embeddings.push({ values: v });
  }
  sendJson(res, 200, JSON.stringify({ embeddings }));
}

/** Vertex AI text embeddings `:predict`. */
export function vertexPredict(ctx: MockContext, req: IncomingMessage, res: ServerResponse, model: string, text: string, wire: ProtocolWire): void {
  const body = parseObject(text);
  if (typeof body === "string") return wire.sendError(res, 400, body);
  const chosen = scripted(ctx, req, res, model, wire);
  if (chosen === null) return;
  const instances = Array.isArray(body["instances"]) ? (body["instances"] as unknown[]) : null;
  if (instances === null || instances.length === 0) return wire.sendError(res, 400, "Invalid JSON payload: `instances` must be a non-empty list.");
  if (chosen.model.startsWith("gemini-embedding") && instances.length > 1)
    return wire.sendError(res, 400, `Unable to submit request because ${chosen.model} supports only one instance per request.`);
  if (instances.length > 250) return wire.sendError(res, 400, "Unable to submit request because the number of instances exceeds the limit of 250.");
  const dims = record(body["parameters"])?.["outputDimensionality"];
  const predictions: unknown[] = [];
  let chars = 0;
  for (const [i, inst] of instances.entries()) {
    const content = record(inst)?.["content"];
    if (typeof content !== "string") return wire.sendError(res, 400, `instances[${i}].content: a string is required.`);
    const v = vector(chosen.model, content, dims);
    if (typeof v === "string") return wire.sendError(res, 400, v);
    chars += content.length;
    predictions.push({ embeddings: { statistics: { truncated: false, token_count: Math.max(1, Math.ceil(content.length / 4)) }, values: v } });
  }
  if (Math.ceil(chars / 4) > 20_000) return wire.sendError(res, 400, "Unable to submit request because the input token count exceeds the limit of 20,000 tokens per request.");
  sendJson(res, 200, JSON.stringify({ predictions, metadata: { billableCharacterCount: chars } }));
}
