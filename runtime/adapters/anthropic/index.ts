/**
 * The Anthropic adapter: OpenAI-shaped requests to the Messages API (`POST
 * {base}/messages`, `x-api-key`, `anthropic-version`, optional `anthropic-beta`), and
 * its answers and SSE events back into canonical bytes (request.ts, response.ts, stream.ts).
 */
import type { PlanAnthropicOptions } from "../../../schemas/plan/protocols.js";
import type { LinkedTarget } from "../../plan/linked-plan.js";
import type { ChatAdapter, UpstreamRequest } from "../adapter.js";
import type { ProviderError } from "../../canonical/provider-error.js";
import { addKeyHeader } from "../credentials.js";
import { isProviderError } from "../../canonical/provider-error.js";
import { classifyAnthropicError } from "./errors.js";
import { anthropicRequestBody } from "./request.js";
import { decodeAnthropicResponse } from "./response.js";
import { AnthropicStreamDecoder } from "./stream.js";

function optionsOf(target: LinkedTarget): PlanAnthropicOptions {
  const o = target.upstream.options;
  if (o.adapter !== "anthropic") throw new Error(`internal: ${target.upstream.name} is not an anthropic upstream`);
  return o;
}

export const anthropicAdapter: ChatAdapter = {
  id: "anthropic",

  buildChatRequest(ctx): UpstreamRequest | ProviderError {
    const o = optionsOf(ctx.target);
    const body = anthropicRequestBody(ctx.request, ctx.target.model, ctx.stream, o.defaultMaxTokens);
    if (isProviderError(body)) return body;
    const headers = [
      "content-type",
      "application/json",
      "accept",
      ctx.stream ? "text/event-stream" : "application/json",
      "anthropic-version",
      o.version,
      "x-request-id",
      ctx.requestId,
    ];
    if (o.beta.length > 0) headers.push("anthropic-beta", o.beta.join(","));
    addKeyHeader(ctx.target.upstream, headers);
    return { method: "POST", path: `${ctx.target.upstream.basePath}/messages`, headers, body: JSON.stringify(body) };
  },

  decodeChatResponse: (body, ctx) => decodeAnthropicResponse(body, ctx.target.model),

  createStreamDecoder: (ctx) => new AnthropicStreamDecoder(ctx.target.model, ctx.clientWantsStreamUsage),

  classifyError: classifyAnthropicError,
};
