/**
 * Embeddings for the semantic cache, from the policy provider named by the cache,
 * through the same adapter capability that serves `/v1/embeddings`: OpenAI-compatible
 * and Azure (its deployment URL, `api-version`, `api-key` header) get OpenAI's body,
 * Gemini, Vertex AI and Bedrock get their own (`embedContent`, `:predict`, InvokeModel,
 * SigV4-signed) through the adapter's translation. The provider's own pool and keys
 * (or credentials) are used.
 * Vectors come back normalized to unit length, so cosine similarity is a dot product.
 */
import type { LinkedTarget } from "../../../plan/linked-plan.js";
import { jsonCallHeaders } from "../../../adapters/relay-headers.js";

export interface Embedder {
  /** The unit vector of `text`, or null when the provider failed or timed out (the request then goes uncached). */
  embed(text: string): Promise<Float32Array | null>;
}

/** One upstream call for one text, and how to read the vector from its 2xx answer. */
interface EmbedCall {
  readonly path: string;
  readonly body: string;
  read(answer: Buffer): unknown;
}

export class UpstreamEmbedder implements Embedder {
  readonly #target: LinkedTarget;
  readonly #timeoutMs: number;

  /** `target`: the cache's embedding provider and model. */
  constructor(target: LinkedTarget, timeoutMs: number) {
    this.#target = target;
    this.#timeoutMs = timeoutMs;
  }

  async embed(text: string): Promise<Float32Array | null> {
    const call = this.#call(text);
    const relay = this.#target.upstream.adapter.relay;
    if (call === null || relay === undefined) return null;
    try {
      const headers = await jsonCallHeaders(relay, this.#target, call);
      const res = await this.#target.upstream.pool.request({
        method: "POST",
        path: call.path,
        headers,
        body: call.body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      const answer = Buffer.from(await res.body.arrayBuffer());
      if (res.statusCode !== 200) return null;
      const raw = (call.read(answer) as { data?: { embedding?: unknown }[] } | null)?.data?.[0]?.embedding;
      return Array.isArray(raw) && raw.length > 0 && raw.every((x) => typeof x === "number") ? unit(raw as number[]) : null;
    } catch {
      return null;
    }
  }

  /** The request for `text` in the provider's shape, or null when its protocol offers no embeddings. */
  #call(text: string): EmbedCall | null {
    const target = this.#target;
    const relay = target.upstream.adapter.relay;
    if (relay === undefined || !relay.endpoints.includes("embeddings")) return null;
    const body = { model: target.model, input: text, encoding_format: "float" };
    if (relay.translate === undefined) return { path: relay.path(target, "embeddings"), body: JSON.stringify(body), read: parseJson };
    const translation = relay.translate({ target, endpoint: "embeddings", body, requestedModel: target.model });
    if ("class" in translation || translation.calls.length !== 1) return null;
    const only = translation.calls[0]!;
    return {
      path: only.path,
      body: only.body,
      read: (answer) => {
        const mapped = translation.answer([answer]);
        return "class" in mapped ? null : parseJson(Buffer.from(mapped.body));
      },
    };
  }
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch {
    return null;
  }
}

/** `v` scaled to unit length (a zero vector stays zero). */
export function unit(v: ArrayLike<number>): Float32Array {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * scale;
  return out;
}
