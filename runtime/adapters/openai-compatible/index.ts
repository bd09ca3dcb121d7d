/**
 * The OpenAI-compatible adapter: OpenAI itself and every vendor of the catalog that
 * speaks its protocol (vLLM, SGLang, Ollama, TGI, DeepSeek, Groq, Together, Mistral,
 * OpenRouter), differing only in data (base URL, auth header, quirks).
 */
import type { PlanOpenAICompatibleOptions } from "../../../schemas/plan/protocols.js";
import type { LinkedTarget } from "../../plan/linked-plan.js";
import type { ChatAdapter, RelayEndpoint, UpstreamRequest } from "../adapter.js";
import type { ProviderError } from "../../canonical/provider-error.js";
import { addKeyHeader } from "../credentials.js";
import { classifyOpenAIError } from "./errors.js";
import { injectsStreamUsage, openAIBody, unsupportedFeature } from "./request.js";
import { decodeOpenAIResponse } from "./response.js";
import { OpenAIStreamDecoder } from "./stream.js";
import { responsesCapability } from "./responses.js";
import { openAIHeaders } from "./headers.js";

function optionsOf(target: LinkedTarget): PlanOpenAICompatibleOptions {
  const o = target.upstream.options;
  if (o.adapter !== "openai-compatible") throw new Error(`internal: ${target.upstream.name} is not openai-compatible`);
  return o;
}

export { openAIHeaders } from "./headers.js";

export const openAICompatibleAdapter: ChatAdapter = {
  id: "openai-compatible",
  relaysContentType: true,

  buildChatRequest(ctx): UpstreamRequest | ProviderError {
    const { quirks } = optionsOf(ctx.target);
    const refused = unsupportedFeature(ctx, quirks, ctx.target.upstream.name);
    if (refused !== null) return refused;
    return { method: "POST", path: ctx.target.upstream.chatPath, headers: openAIHeaders(ctx), body: openAIBody(ctx, quirks, ctx.target.model) };
  },

  decodeChatResponse: (body) => decodeOpenAIResponse(body),

  createStreamDecoder: (ctx) => new OpenAIStreamDecoder(injectsStreamUsage(ctx, optionsOf(ctx.target).quirks), ctx.countOutput !== false),

  classifyError: classifyOpenAIError,

  relay: {
    endpoints: ["embeddings", "audio/transcriptions", "audio/speech"],
    path: (target: LinkedTarget, endpoint: RelayEndpoint) => `${target.upstream.basePath}/${endpoint}`,
    addAuth: (target, headers, key) => addKeyHeader(target.upstream, headers, key),
  },

  // Only where the plan says the upstream speaks it (OpenAI does; most vendors do not): see ChatCall.
  responses: responsesCapability((target) => `${target.upstream.basePath}/responses`),
};
