/**
 * Bedrock `InvokeModel` (`POST /model/{modelId}/invoke`) for the embedding models, in
 * their native bodies as AWS documents them:
 * - Amazon Titan Text Embeddings (`amazon.titan-embed-text-v1`, `-v2:0`): one text,
 *   `{inputText, dimensions?, normalize?}` → `{embedding, inputTextTokenCount}` (v2 also
 *   `embeddingsByType.float`); `dimensions` is 256, 512 or 1024 (v2 only);
 * - Cohere Embed (`cohere.embed-*`): `{texts (≤ 96), input_type, truncate?}` →
 *   `{id, embeddings, texts, response_type: "embeddings_floats"}` (no token count).
 * Other models get Bedrock's ValidationException. Vectors come from the mock's
 * embedding (the model name's `words` prefix selects the word embedding, as elsewhere),
 * so tests can compare them; model directives script failures as for chat.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { MockContext } from "../context.js";
import { chooseBehaviour } from "../directives.js";
import { embedFor } from "../embeddings.js";
import { parseObject, sendJson, type ProtocolWire } from "./wire.js";

/** Texts per Cohere call on Bedrock. */
const COHERE_MAX_TEXTS = 96;

/** The mock's vector for `text`: the word embedding when the model id carries `words`, else the hashed one. */
function vectorFor(model: string, text: string): number[] {
  const words = /(?:^|[.:-])(words(?:-\d+)?)$/.exec(model.replace(/:\d+$/, ""))?.[1];
  return embedFor(words ?? model, text);
}

export function bedrockInvoke(ctx: MockContext, req: IncomingMessage, res: ServerResponse, model: string, text: string, wire: ProtocolWire): void {
  const choice = chooseBehaviour(ctx.defaults, req.headers, model);
  if (choice.error !== undefined) return wire.sendError(res, 400, choice.error);
  const b = choice.behaviour;
  if (b.status !== undefined) return wire.sendError(res, b.status, `Mock upstream: scripted ${b.status} error.`, b.retryAfterSeconds ?? (b.status === 429 ? 1 : undefined));
  const id = choice.model;
  const body = parseObject(text);
  if (typeof body === "string") return wire.sendError(res, 400, body);
  if (id.startsWith("cohere.embed")) {
    const texts = body["texts"];
    if (!Array.isArray(texts) || texts.length === 0 || texts.length > COHERE_MAX_TEXTS || !texts.every((t) => typeof t === "string")) {
      return wire.sendError(res, 400, `Malformed input request: #/texts: expected 1 to ${COHERE_MAX_TEXTS} strings, please reformat your input and try again.`);
    }
    if (typeof body["input_type"] !== "string")
      return wire.sendError(res, 400, "Malformed input request: #: required key [input_type] not found, please reformat your input and try again.");
    return sendJson(res, 200, JSON.stringify({ id: ctx.nextId(), embeddings: (texts as string[]).map((t) => vectorFor(id, t)), texts, response_type: "embeddings_floats" }));
  }
  if (id.startsWith("amazon.titan-embed-text")) {
    const input = body["inputText"];
    if (typeof input !== "string" || input.length === 0)
      return wire.sendError(res, 400, "Malformed input request: #: required key [inputText] not found, please reformat your input and try again.");
    const dims = body["dimensions"];
    const v2 = id.includes("-v2");
    if (dims !== undefined && (!v2 || ![256, 512, 1024].includes(dims as number))) {
      return wire.sendError(
        res,
        400,
        "Malformed input request: #/dimensions: 256, 512 or 1024 is required (Titan Text Embeddings V2 only), please reformat your input and try again.",
      );
    }
    const full = vectorFor(id, input);
    const embedding = typeof dims === "number" ? full.slice(0, Math.min(dims, full.length)) : full;
    const tokens = Math.max(1, Math.ceil(input.length / 4));
    return sendJson(res, 200, JSON.stringify(v2 ? { embedding, embeddingsByType: { float: embedding }, inputTextTokenCount: tokens } : { embedding, inputTextTokenCount: tokens }));
  }
  wire.sendError(res, 400, `The provided model identifier is invalid for InvokeModel in this mock: ${id}.`);
}
