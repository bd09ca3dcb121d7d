/**
 * The Vertex AI adapter: the Gemini codec (same request, response and stream bodies) on
 * Vertex's resource path `{base}/projects/{p}/locations/{l}/publishers/{pub}/models/{m}`,
 * authenticated with an OAuth2 access token (`Authorization: Bearer`), re-read when its
 * file is refreshed (runtime/plan/link-credentials.ts). OpenAI `/v1/embeddings`
 * requests are translated to the text-embeddings `:predict` method (embeddings.ts).
 */
import type { PlanVertexOptions } from "../../../schemas/plan/protocols.js";
import type { LinkedTarget } from "../../plan/linked-plan.js";
import type { ChatAdapter, UpstreamRequest } from "../adapter.js";
import type { ProviderError } from "../../canonical/provider-error.js";
import { credentialsUnavailable, isProviderError } from "../../canonical/provider-error.js";
import { classifyGeminiError } from "../gemini/errors.js";
import { geminiRequestBody, generateMethod } from "../gemini/request.js";
import { decodeGeminiResponse } from "../gemini/response.js";
import { GeminiStreamDecoder } from "../gemini/stream.js";
import { translateVertexEmbeddings } from "./embeddings.js";

function optionsOf(target: LinkedTarget): PlanVertexOptions {
  const o = target.upstream.options;
  if (o.adapter !== "vertex") throw new Error(`internal: ${target.upstream.name} is not a vertex upstream`);
  return o;
}

/** The `:predict` path of the target's model (text embeddings). */
function predictPath(target: LinkedTarget): string {
  return `${target.upstream.basePath}${vertexModelPath(optionsOf(target), target.model)}:predict`;
}

/** The model's resource path on Vertex. */
export function vertexModelPath(o: PlanVertexOptions, model: string): string {
  return `/projects/${encodeURIComponent(o.project)}/locations/${encodeURIComponent(o.location)}/publishers/${encodeURIComponent(o.publisher)}/models/${encodeURIComponent(model)}`;
}

export const vertexAdapter: ChatAdapter = {
  id: "vertex",

  buildChatRequest(ctx): UpstreamRequest | Promise<UpstreamRequest | ProviderError> | ProviderError {
    const upstream = ctx.target.upstream;
    const o = optionsOf(ctx.target);
    const body = geminiRequestBody(ctx.request, "Vertex AI");
    if (isProviderError(body)) return body;
    const request = (token: string): UpstreamRequest => ({
      method: "POST",
      path: `${upstream.basePath}${vertexModelPath(o, ctx.target.model)}${generateMethod(ctx.stream)}`,
      headers: [
        "content-type",
        "application/json",
        "accept",
        ctx.stream ? "text/event-stream" : "application/json",
        "x-request-id",
        ctx.requestId,
        "authorization",
        `Bearer ${token}`,
      ],
      body: JSON.stringify(body),
    });
    const source = upstream.credentials.accessToken;
    if (source === null) return request("");
    return source.get().then(request, (err: unknown) => credentialsUnavailable("vertex", err));
  },

  decodeChatResponse: (body, ctx) => decodeGeminiResponse(body, ctx.target.model, ctx.requestId, "vertex"),

  createStreamDecoder: (ctx) => new GeminiStreamDecoder(ctx.target.model, ctx.requestId, ctx.clientWantsStreamUsage, "vertex"),

  classifyError: (status, headers, body) => classifyGeminiError(status, headers, body, "vertex"),

  relay: {
    endpoints: ["embeddings"],
    path: predictPath,
    addAuth: (target, headers) => void headers.push("authorization", `Bearer ${target.upstream.credentials.accessToken?.current() ?? ""}`),
    // A token that may need fetching: each call's headers wait for a valid one.
    sign: async (target) => ["content-type", "application/json", "authorization", `Bearer ${(await target.upstream.credentials.accessToken?.get()) ?? ""}`],
    translate: (request) => translateVertexEmbeddings(request, predictPath(request.target)),
  },
};
