/**
 * The OpenAI side of an embeddings translation, shared by the adapters whose provider
 * speaks another embeddings protocol (Gemini `:embedContent`, Vertex `:predict`):
 * reading an OpenAI `/v1/embeddings` request into texts and options, and writing the
 * provider's vectors back as OpenAI's answer.
 *
 * - `input`: a string, or an array of strings. Token arrays (arrays of integers) are
 *   refused: these providers take text only, and the gateway has no detokenizer.
 * - `dimensions` → the provider's output dimensionality; `encoding_format` `float`
 *   (arrays) or `base64` (little-endian float32, as OpenAI sends it: the `openai` SDKs
 *   ask for base64 by default and decode it); `user` is ignored (nothing to map it to).
 * - `task_type` (a Gemini/Vertex extension, as LiteLLM accepts it) passes through.
 */
import { estimateTextTokens } from "../../schemas/plan/token-estimate.js";
import { emptyUsage, type Usage } from "../base/usage.js";
import type { ProviderError } from "./provider-error.js";
import { badRequest } from "./provider-error.js";

/** An OpenAI embeddings request, read for translation. */
export interface EmbeddingsRequest {
  /** The inputs, in order (one vector each). */
  readonly texts: readonly string[];
  /** True when `input` was a single string (one embedding), false for an array. */
  readonly single: boolean;
  /** `dimensions`, when set. */
  readonly dimensions: number | undefined;
  /** `encoding_format: "base64"`. */
  readonly base64: boolean;
  /** The provider's task type (`RETRIEVAL_QUERY`, …), when the client named one. */
  readonly taskType: string | undefined;
}

function refuse(message: string, param: string, code: string | null = "invalid_value"): ProviderError {
  return { ...badRequest(message, code), param };
}

/** Reads an OpenAI embeddings body for `provider` (named in the messages), or refuses it with a 400. */
export function readEmbeddingsRequest(body: Readonly<Record<string, unknown>>, provider: string): EmbeddingsRequest | ProviderError {
  const input = body["input"];
  let texts: string[];
  let single = false;
  if (typeof input === "string") {
    texts = [input];
    single = true;
  } else if (Array.isArray(input)) {
    if (input.length === 0) return refuse("`input` must not be an empty array", "input");
    if (input.length > MAX_INPUTS) return refuse(`\`input\` holds ${input.length} items; at most ${MAX_INPUTS} are accepted in one request`, "input");
    texts = [];
    for (const item of input as unknown[]) {
      if (typeof item === "string") texts.push(item);
      else if (typeof item === "number" || Array.isArray(item)) {
        return refuse(
          `${provider} embeddings take text only: token arrays in \`input\` are not supported; send the text as a string or an array of strings`,
          "input",
          "unsupported_parameter",
        );
      } else return refuse("`input` must be a string or an array of strings", "input");
    }
  } else {
    return refuse("`input` must be a string or an array of strings", "input");
  }

  const dims = body["dimensions"];
  if (dims !== undefined && dims !== null && (typeof dims !== "number" || !Number.isInteger(dims) || dims < 1)) {
    return refuse("`dimensions` must be a positive integer", "dimensions");
  }
  const format = body["encoding_format"];
  if (format !== undefined && format !== null && format !== "float" && format !== "base64") {
    return refuse("`encoding_format` must be `float` or `base64`", "encoding_format");
  }
  const task = body["task_type"];
  if (task !== undefined && task !== null && typeof task !== "string") return refuse("`task_type` must be a string", "task_type");
  return {
    texts,
    single,
    dimensions: typeof dims === "number" ? dims : undefined,
    base64: format === "base64",
    taskType: typeof task === "string" ? task : undefined,
  };
}

/** Most inputs OpenAI accepts in one request; more gets a 400 (it also bounds the upstream calls of one request). */
export const MAX_INPUTS = 2048;

/**
 * Splits `texts` into consecutive groups for providers that cap one call: at most
 * `maxItems` texts, and (when `maxTokens` is set) at most that many estimated tokens,
 * a longer single text going alone. Returns the groups' sizes, in order.
 */
export function groupSizes(texts: readonly string[], maxItems: number, maxTokens = Infinity): number[] {
  const sizes: number[] = [];
  let items = 0;
  let tokens = 0;
  for (const t of texts) {
    const n = maxTokens === Infinity ? 0 : estimateTextTokens(t);
    if (items > 0 && (items === maxItems || tokens + n > maxTokens)) {
      sizes.push(items);
      items = 0;
      tokens = 0;
    }
    items++;
    tokens += n;
  }
  if (items > 0) sizes.push(items);
  return sizes;
}

/** A vector as OpenAI's `base64` encoding: the float32 values, little-endian, base64. */
export function float32Base64(values: readonly number[]): string {
  const buf = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) buf.writeFloatLE(values[i]!, i * 4);
  return buf.toString("base64");
}

/**
 * Prompt tokens estimated from the input texts, for providers whose embeddings answer
 * reports no token usage (the Gemini API's). Bounded time whatever the input
 * (estimate-tokens.ts samples long texts); never a tokenizer on the event loop.
 */
export function estimatedEmbeddingsUsage(texts: readonly string[]): Usage {
  let tokens = 0;
  for (const t of texts) tokens += estimateTextTokens(t);
  return { ...emptyUsage("counted"), inputTokens: tokens };
}

/** The OpenAI `/v1/embeddings` answer for `vectors` (in input order), naming `model` (the client's model name). */
export function openAIEmbeddingsAnswer(vectors: readonly (readonly number[])[], request: EmbeddingsRequest, model: string, usage: Usage): string {
  const data = vectors.map((v, index) => ({ object: "embedding", index, embedding: request.base64 ? float32Base64(v) : v }));
  return JSON.stringify({ object: "list", data, model, usage: { prompt_tokens: usage.inputTokens, total_tokens: usage.inputTokens } });
}

/** A provider answer the gateway cannot read as vectors: a server fault (the next target may serve it). */
export function malformedAnswer(provider: string, what: string): ProviderError {
  return { class: "server", status: 0, message: `${provider}: the embeddings answer ${what}`, code: null, retryAfterMs: null };
}

/** The vector in `values` when it is an array of finite numbers, else null. */
export function vectorOf(values: unknown): number[] | null {
  if (!Array.isArray(values)) return null;
  for (const x of values as unknown[]) if (typeof x !== "number" || !Number.isFinite(x)) return null;
  return values as number[];
}
