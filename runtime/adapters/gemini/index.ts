/**
 * The Gemini (Google AI) adapter: OpenAI-shaped requests to `generateContent` /
 * `streamGenerateContent?alt=sse` under `{base}/models/{model}`, the key in the
 * `x-goog-api-key` header (never `?key=`, which leaks into URLs and logs). OpenAI
 * `/v1/embeddings` requests are translated to `:embedContent` / `:batchEmbedContents`
 * (embeddings.ts).
 */
import type { ChatAdapter, UpstreamRequest } from "../adapter.js";
import type { ProviderError } from "../../canonical/provider-error.js";
import { addKeyHeader } from "../credentials.js";
import { isProviderError } from "../../canonical/provider-error.js";
import { geminiEmbedPath, translateGeminiEmbeddings } from "./embeddings.js";
import { classifyGeminiError } from "./errors.js";
import { geminiModelPath, geminiRequestBody, generateMethod } from "./request.js";
import { decodeGeminiResponse } from "./response.js";
import { GeminiStreamDecoder } from "./stream.js";

export const geminiAdapter: ChatAdapter = {
  id: "gemini",

  buildChatRequest(ctx): UpstreamRequest | ProviderError {
    const body = geminiRequestBody(ctx.request, "Gemini");
    if (isProviderError(body)) return body;
    const headers = ["content-type", "application/json", "accept", ctx.stream ? "text/event-stream" : "application/json", "x-request-id", ctx.requestId];
    addKeyHeader(ctx.target.upstream, headers);
    return { method: "POST", path: `${ctx.target.upstream.basePath}/${geminiModelPath(ctx.target.model)}${generateMethod(ctx.stream)}`, headers, body: JSON.stringify(body) };
  },

  decodeChatResponse: (body, ctx) => decodeGeminiResponse(body, ctx.target.model, ctx.requestId, "gemini"),

  createStreamDecoder: (ctx) => new GeminiStreamDecoder(ctx.target.model, ctx.requestId, ctx.clientWantsStreamUsage, "gemini"),

  classifyError: (status, headers, body) => classifyGeminiError(status, headers, body, "gemini"),

  relay: {
    endpoints: ["embeddings"],
    path: (target) => geminiEmbedPath(target, true),
    addAuth: (target, headers, key) => addKeyHeader(target.upstream, headers, key),
    translate: translateGeminiEmbeddings,
  },
};
