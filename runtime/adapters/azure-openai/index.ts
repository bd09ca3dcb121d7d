/**
 * Azure OpenAI: the OpenAI protocol at Azure's URLs (docs/providers.md#azure-openai-urls). Bodies,
 * streams and errors are OpenAI's (plus Azure's `content_filter_results`, passed
 * through), so only the request's address and auth differ:
 *
 * - dated API: `POST {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=…`,
 *   the deployment (the target's upstream model name) in the URL, the body's `model` left as sent;
 * - v1 API (`apiVersion: v1`): `POST {endpoint}/openai/v1/chat/completions`, the deployment as `model`;
 * - the key in the `api-key` header, or (`azure.auth`: client-secret, managed-identity,
 *   workload-identity) a Microsoft Entra ID token as `Authorization: Bearer`, fetched and
 *   refreshed ahead of expiry by Azure's identity library (runtime/plan/identity/azure.ts).
 *
 * `stream_options.include_usage` exists from api-version 2024-09-01-preview on; older
 * dated versions get streams without the gateway's usage request.
 */
import type { PlanAzureOpenAIOptions, PlanOpenAIQuirks } from "../../../schemas/plan/protocols.js";
import type { LinkedTarget } from "../../plan/linked-plan.js";
import type { ChatAdapter, RelayEndpoint, UpstreamRequest } from "../adapter.js";
import type { ProviderError } from "../../canonical/provider-error.js";
import { credentialsUnavailable } from "../../canonical/provider-error.js";
import { addKeyHeader } from "../credentials.js";
import { classifyOpenAIError } from "../openai-compatible/errors.js";
import { openAIHeaders } from "../openai-compatible/index.js";
import { injectsStreamUsage, openAIBody } from "../openai-compatible/request.js";
import { decodeOpenAIResponse } from "../openai-compatible/response.js";
import { OpenAIStreamDecoder } from "../openai-compatible/stream.js";
import { responsesCapability } from "../openai-compatible/responses.js";

const WITH_STREAM_USAGE: PlanOpenAIQuirks = Object.freeze({ streamUsage: true, renameParams: {}, dropParams: [], tools: true, jsonMode: true });
const WITHOUT_STREAM_USAGE: PlanOpenAIQuirks = Object.freeze({ ...WITH_STREAM_USAGE, streamUsage: false });

function optionsOf(target: LinkedTarget): PlanAzureOpenAIOptions {
  const o = target.upstream.options;
  if (o.adapter !== "azure-openai") throw new Error(`internal: ${target.upstream.name} is not azure-openai`);
  return o;
}

function quirksOf(o: PlanAzureOpenAIOptions): PlanOpenAIQuirks {
  return o.apiVersion === "v1" || o.apiVersion >= "2024-09-01" ? WITH_STREAM_USAGE : WITHOUT_STREAM_USAGE;
}

/** The URL path of `operation` (`chat/completions`, `embeddings`, …) for the target's deployment. */
export function azurePath(target: LinkedTarget, operation: string): string {
  const o = optionsOf(target);
  const base = target.upstream.basePath;
  if (o.apiVersion === "v1") return `${base}/openai/v1/${operation}`;
  return `${base}/openai/deployments/${encodeURIComponent(target.model)}/${operation}?api-version=${o.apiVersion}`;
}

/** Adds the Entra token to a request (when the upstream uses Entra ID), waiting for a valid one. */
function withEntra(target: LinkedTarget, request: UpstreamRequest): UpstreamRequest | Promise<UpstreamRequest | ProviderError> {
  const bearer = target.upstream.credentials.bearer;
  if (bearer === null) return request;
  return bearer.get().then(
    (token): UpstreamRequest => ({ ...request, headers: [...request.headers, "authorization", `Bearer ${token}`] }),
    (err: unknown) => credentialsUnavailable("azure-openai", err),
  );
}

const responses = responsesCapability((target) => {
  const o = optionsOf(target);
  return o.apiVersion === "v1" ? `${target.upstream.basePath}/openai/v1/responses` : `${target.upstream.basePath}/openai/responses?api-version=${o.apiVersion}`;
});

export const azureOpenAIAdapter: ChatAdapter = {
  id: "azure-openai",
  relaysContentType: true,

  buildChatRequest(ctx): UpstreamRequest | Promise<UpstreamRequest | ProviderError> | ProviderError {
    const o = optionsOf(ctx.target);
    // The dated API ignores `model`, so the client's bytes can go out as they are.
    const model = o.apiVersion === "v1" ? ctx.target.model : null;
    return withEntra(ctx.target, { method: "POST", path: azurePath(ctx.target, "chat/completions"), headers: openAIHeaders(ctx), body: openAIBody(ctx, quirksOf(o), model) });
  },

  decodeChatResponse: (body) => decodeOpenAIResponse(body),

  createStreamDecoder: (ctx) => new OpenAIStreamDecoder(injectsStreamUsage(ctx, quirksOf(optionsOf(ctx.target))), ctx.countOutput !== false),

  classifyError: classifyOpenAIError,

  relay: {
    endpoints: ["embeddings", "audio/transcriptions", "audio/speech"],
    path: (target: LinkedTarget, endpoint: RelayEndpoint) => azurePath(target, endpoint),
    addAuth: (target, headers, key) => {
      const bearer = target.upstream.credentials.bearer;
      // Relayed bodies cannot wait: the token in hand (refreshed ahead of expiry) is sent.
      if (bearer !== null) headers.push("authorization", `Bearer ${bearer.current() ?? ""}`);
      else addKeyHeader(target.upstream, headers, key);
    },
  },

  // Azure's Responses API is not under a deployment: `/openai/v1/responses`, or `/openai/responses?api-version=…`; the deployment is the body's model.
  responses: {
    ...responses,
    build: (ctx, body) => {
      const built = responses.build(ctx, body);
      return built instanceof Promise ? built : withEntra(ctx.target, built);
    },
  },
};
