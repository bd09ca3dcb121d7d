/**
 * The Bedrock adapter: OpenAI-shaped requests to Converse / ConverseStream
 * (`POST {base}/model/{modelId}/converse[-stream]`), signed with SigV4 (service
 * `bedrock`) from the upstream's linked AWS credentials; answers and event-stream frames
 * back into canonical bytes. Embeddings go to InvokeModel in the embedding models' own
 * bodies (embeddings.ts), each call signed over its bytes.
 */
import type { PlanBedrockOptions } from "../../../schemas/plan/protocols.js";
import type { LinkedTarget } from "../../plan/linked-plan.js";
import type { ChatAdapter, UpstreamRequest } from "../adapter.js";
import type { ProviderError } from "../../canonical/provider-error.js";
import { credentialsUnavailable, isProviderError } from "../../canonical/provider-error.js";
import { classifyBedrockError } from "./errors.js";
import { conversePath, converseRequestBody } from "./request.js";
import { decodeConverseResponse } from "./response.js";
import { signBedrockRequest } from "./sigv4.js";
import { ConverseStreamDecoder } from "./stream.js";
import { invokePath, translateBedrockEmbeddings } from "./embeddings.js";

function optionsOf(target: LinkedTarget): PlanBedrockOptions {
  const o = target.upstream.options;
  if (o.adapter !== "bedrock") throw new Error(`internal: ${target.upstream.name} is not a bedrock upstream`);
  return o;
}

/** host[:port] of each origin, parsed once. */
const hosts = new Map<string, string>();
function hostOf(origin: string): string {
  let host = hosts.get(origin);
  if (host === undefined) hosts.set(origin, (host = new URL(origin).host));
  return host;
}

export const bedrockAdapter: ChatAdapter = {
  id: "bedrock",

  buildChatRequest(ctx): Promise<UpstreamRequest | ProviderError> | ProviderError {
    const upstream = ctx.target.upstream;
    const o = optionsOf(ctx.target);
    const body = converseRequestBody(ctx.request, o.defaultMaxTokens);
    if (isProviderError(body)) return body;
    const path = `${upstream.basePath}${conversePath(ctx.target.model, ctx.stream)}`;
    const json = JSON.stringify(body);
    return signedHeaders(ctx.target, path, json, ctx.stream ? "application/vnd.amazon.eventstream" : "application/json").then(
      (headers): UpstreamRequest => {
        headers.push("x-request-id", ctx.requestId);
        return { method: "POST", path, headers, body: json };
      },
      (err: unknown) => credentialsUnavailable("bedrock", err),
    );
  },

  decodeChatResponse: (body, ctx) => decodeConverseResponse(body, ctx.target.model, ctx.requestId),

  createStreamDecoder: (ctx) => new ConverseStreamDecoder(ctx.target.model, ctx.requestId, ctx.clientWantsStreamUsage),

  classifyError: classifyBedrockError,

  relay: {
    endpoints: ["embeddings"],
    path: (target) => invokePath(target.upstream.basePath, target.model),
    // Every Bedrock call is signed over its bytes: `sign` below, never a static header.
    addAuth: () => undefined,
    translate: translateBedrockEmbeddings,
    sign: (target, call) => signedHeaders(target, call.path, call.body, "application/json"),
  },
};

/** The SigV4-signed headers of a POST of `body` to `path` on the target's upstream (Host excepted: undici sends it from the origin). */
async function signedHeaders(target: LinkedTarget, path: string, body: string, accept: string): Promise<string[]> {
  const upstream = target.upstream;
  const aws = upstream.credentials.aws;
  if (aws === null) throw new Error(`internal: ${upstream.name} has no AWS credentials linked`);
  const signed = await signBedrockRequest(
    { host: hostOf(upstream.origin), path, headers: { "content-type": "application/json", accept }, body },
    optionsOf(target).region,
    await aws.get(),
    upstream,
  );
  const headers: string[] = [];
  for (const [name, value] of Object.entries(signed)) if (name !== "host") headers.push(name, value);
  return headers;
}
