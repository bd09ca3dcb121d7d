/** Providers: the upstream services that serve models. */
import { z } from "zod";
import { PROVIDER_KIND_NAMES } from "../catalog/providers.js";
import { Duration, Name, SecretRef, Tags } from "./common.js";
import { Concurrency, UpstreamTls } from "./operations.js";
import { AnthropicSettings, AzureSettings, BedrockSettings, CompatSettings, VertexSettings } from "./provider-settings.js";
import { ProviderReliability } from "./reliability.js";

export const Timeouts = z
  .strictObject({
    connect: Duration.optional().describe("TCP/TLS connect timeout. Default 5s."),
    firstByte: Duration.optional().describe("From sending the request to the response headers. Default 60s."),
    firstToken: Duration.optional().describe(
      "From sending the request to the first generated token. Before the response is committed it falls back; after, the stream ends with an error event. Default: none.",
    ),
    idle: Duration.optional().describe("Longest silence between two response chunks, streams included. Default 60s."),
    total: Duration.optional().describe("Whole-attempt deadline. Default 10m."),
    connectionWait: Duration.optional().describe(
      "Longest wait for a free connection when all `connections` to the provider are busy. Past it the attempt fails as `overloaded` (fallback may take another target) and otherwise the client gets 503 `upstream_pool_saturated`. Default 5s.",
    ),
  })
  .describe("Per-attempt timeouts; a timed-out attempt falls back to the next target.");

export const Provider = z
  .strictObject({
    name: Name.describe("The provider's name, used by model targets."),
    kind: z
      .enum(PROVIDER_KIND_NAMES)
      .describe(
        "The provider's protocol (`openai-compatible`, `azure-openai`, `anthropic`, `bedrock`, `gemini`, `vertex`) or a catalog vendor speaking the OpenAI protocol (`openai`, `vllm`, `sglang`, `ollama`, `tgi`, `deepseek`, `groq`, `together`, `mistral`, `openrouter`).",
      ),
    baseUrl: z
      .string()
      .optional()
      .describe(
        "Base URL including the API path prefix, e.g. `https://api.openai.com/v1`. Optional for kinds with a catalog default; for `azure-openai` the resource endpoint (`https://<resource>.openai.azure.com`); for `bedrock` and `vertex` it overrides the regional endpoint.",
      ),
    apiKeys: z
      .array(SecretRef)
      .optional()
      .describe(
        "API keys as secret references, used in turn. Sent the way the kind expects: `Authorization: Bearer` (OpenAI-compatible), `api-key` (Azure), `x-api-key` (Anthropic), `x-goog-api-key` (Gemini). Omit for servers that need none; not used by `bedrock` and `vertex`.",
      ),
    compat: CompatSettings.optional(),
    azure: AzureSettings.optional(),
    anthropic: AnthropicSettings.optional(),
    bedrock: BedrockSettings.optional(),
    vertex: VertexSettings.optional(),
    optional: z.boolean().optional().describe("When true, a provider whose secrets are unset at startup is disabled (and its targets skipped) instead of failing startup."),
    network: z
      .enum(["public", "private"])
      .optional()
      .describe(
        "`private` marks a self-hosted server on a private network (in-cluster, a VPC): its address may be private (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7), written or resolved. Default `public`: only public addresses, and loopback when the base URL names it. Link-local and cloud metadata addresses are refused either way.",
      ),
    timeouts: Timeouts.optional(),
    connections: z.number().int().positive().max(4096).optional().describe("Most concurrent connections to this provider. Default 128."),
    tags: Tags.optional(),
    tls: UpstreamTls.optional(),
    concurrency: Concurrency.optional(),
    ...ProviderReliability.shape,
  })
  .describe("An upstream service that serves models.");

export type Provider = z.infer<typeof Provider>;
