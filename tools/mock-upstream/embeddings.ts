/**
 * `POST /v1/embeddings`: deterministic 8-dimensional unit vectors, so tests can compare
 * exact values and a gateway's embedding cache can be checked for hits. Models `words`
 * and `words-<n>` return bag-of-words vectors instead (word-embedding.ts), close for
 * paraphrases, for semantic-cache tests.
 */
import type { ServerResponse } from "node:http";
import { sendError } from "./openai-error.js";
import { wordEmbedding, wordModelDimensions } from "./word-embedding.js";

/** Dimensions of every vector. */
export const EMBEDDING_DIMENSIONS = 8;

/**
 * The vector for one input: 8 FNV-1a hashes of the text (one seed per dimension), mapped to
 * [-1, 1] and normalized to unit length.
 */
export function embed(text: string): number[] {
  const v: number[] = [];
  let norm = 0;
  for (let d = 0; d < EMBEDDING_DIMENSIONS; d++) {
    let h = (0x811c9dc5 ^ d) >>> 0;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    const x = h / 0x7fffffff - 1;
    v.push(x);
    norm += x * x;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return v.map((x) => Math.fround(x * scale));
}

/** The vector of `text` for `model` (directives stripped): `words` models' bag-of-words vectors, else {@link embed}'s. */
export function embedFor(model: string, text: string): number[] {
  const dims = wordModelDimensions(model);
  return dims === null ? embed(text) : wordEmbedding(text, dims);
}

/** `encoding_format: "base64"`: little-endian float32, as OpenAI sends it. */
function toBase64(v: readonly number[]): string {
  const buf = Buffer.alloc(v.length * 4);
  v.forEach((x, i) => buf.writeFloatLE(x, i * 4));
  return buf.toString("base64");
}

/** Inputs as texts: a string, strings, or token arrays (hashed as their decimal spelling). */
function inputs(input: unknown): string[] | undefined {
  if (typeof input === "string") return [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((x) => typeof x === "number")) return [input.join(",")];
  const texts: string[] = [];
  for (const item of input as unknown[]) {
    if (typeof item === "string") texts.push(item);
    else if (Array.isArray(item) && item.every((x) => typeof x === "number")) texts.push(item.join(","));
    else return undefined;
  }
  return texts;
}

/** Answers an embeddings request. */
export function sendEmbeddings(res: ServerResponse, text: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return sendError(res, 400, "We could not parse the JSON body of your request.");
  }
  const body = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const model = body["model"];
  const texts = inputs(body["input"]);
  if (typeof model !== "string" || texts === undefined) {
    return sendError(res, 400, "'model' (string) and 'input' (string, string[] or token arrays) are required.");
  }
  const base64 = body["encoding_format"] === "base64";
  const wordDims = wordModelDimensions(model.split("+")[0] ?? model);
  const vector = (t: string): number[] => (wordDims === null ? embed(t) : wordEmbedding(t, wordDims));
  const chars = texts.reduce((n, t) => n + t.length, 0);
  const promptTokens = Math.max(1, Math.ceil(chars / 4));
  const json = JSON.stringify({
    object: "list",
    data: texts.map((t, index) => ({ object: "embedding", index, embedding: base64 ? toBase64(vector(t)) : vector(t) })),
    model: model.split("+")[0],
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}
