/**
 * Embeddings for the semantic cache, from a policy provider's OpenAI-compatible
 * `POST {basePath}/embeddings`, through the provider's own pool and keys. Kept behind
 * this one function so it can move onto the gateway's embeddings adapters unchanged.
 * Vectors come back normalized to unit length, so cosine similarity is a dot product.
 */
import type { LinkedUpstream } from "../../plan/linked-plan.js";

export interface Embedder {
  /** The unit vector of `text`, or null when the provider failed or timed out (the request then goes uncached). */
  embed(text: string): Promise<Float32Array | null>;
}

export class UpstreamEmbedder implements Embedder {
  constructor(
    readonly upstream: LinkedUpstream,
    readonly path: string,
    readonly model: string,
    readonly timeoutMs: number,
  ) {}

  async embed(text: string): Promise<Float32Array | null> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    const keys = this.upstream.authorizations;
    if (keys.length > 0 && this.upstream.authHeader !== null) headers[this.upstream.authHeader] = keys[this.upstream.nextKey++ % keys.length]!;
    try {
      const res = await this.upstream.pool.request({
        method: "POST",
        path: this.path,
        headers,
        body: JSON.stringify({ model: this.model, input: text }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const body = (await res.body.json()) as { data?: { embedding?: unknown }[] };
      if (res.statusCode !== 200) return null;
      const raw = body.data?.[0]?.embedding;
      return Array.isArray(raw) && raw.length > 0 && raw.every((x) => typeof x === "number") ? unit(raw as number[]) : null;
    } catch {
      return null;
    }
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
