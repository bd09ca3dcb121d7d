/**
 * The provider catalog: every `kind` a policy provider may have. A kind is either a
 * wire protocol of its own (an adapter id) or a vendor that speaks the OpenAI Chat
 * Completions protocol, described here as data: default base URL, how its key is sent,
 * and how it departs from OpenAI's API (quirks). `kind: groq` therefore needs no
 * `baseUrl`; a provider's `compat:` block overrides the quirks.
 *
 * The quirks are conservative, from each vendor's public API docs (2025): when in
 * doubt a feature is marked supported and the vendor's own 400 reaches the client.
 */
import type { PlanAdapterId, PlanOpenAIQuirks } from "../plan/protocols.js";

/** A catalog entry. */
export interface ProviderKind {
  /** The adapter that speaks this kind's protocol. */
  readonly adapter: PlanAdapterId;
  /** Base URL used when the provider gives none; null when the policy must say it. */
  readonly defaultBaseUrl: string | null;
  /** For OpenAI-compatible kinds: the quirks (null for the other adapters). */
  readonly quirks: PlanOpenAIQuirks | null;
  /** Whether calls normally need an API key (a warning when none is configured). */
  readonly needsKey: boolean;
  /** One line for docs/reference/providers.md. */
  readonly summary: string;
}

/** OpenAI's own behaviour: the baseline every quirk departs from. */
export const OPENAI_QUIRKS: PlanOpenAIQuirks = Object.freeze({
  streamUsage: true,
  renameParams: Object.freeze({}),
  dropParams: Object.freeze([]) as unknown as string[],
  tools: true,
  jsonMode: true,
});

function quirks(delta: Partial<PlanOpenAIQuirks>): PlanOpenAIQuirks {
  return Object.freeze({ ...OPENAI_QUIRKS, ...delta });
}

function compatible(defaultBaseUrl: string | null, needsKey: boolean, summary: string, delta: Partial<PlanOpenAIQuirks> = {}): ProviderKind {
  return Object.freeze({ adapter: "openai-compatible", defaultBaseUrl, quirks: quirks(delta), needsKey, summary });
}

function protocol(adapter: PlanAdapterId, defaultBaseUrl: string | null, needsKey: boolean, summary: string): ProviderKind {
  return Object.freeze({ adapter, defaultBaseUrl, quirks: null, needsKey, summary });
}

/** Every provider kind, by the name policies use. */
export const PROVIDER_KINDS = Object.freeze({
  // Protocols.
  "openai-compatible": compatible(null, false, "Any server speaking OpenAI Chat Completions; `baseUrl` required."),
  "azure-openai": protocol("azure-openai", null, true, "Azure OpenAI: deployment URLs, `api-version`, `api-key` header; `baseUrl` is the resource endpoint."),
  anthropic: protocol("anthropic", "https://api.anthropic.com/v1", true, "Anthropic Messages API (`x-api-key`, `anthropic-version`)."),
  bedrock: protocol("bedrock", null, false, "AWS Bedrock Converse / ConverseStream, SigV4-signed; endpoint from `bedrock.region`."),
  gemini: protocol("gemini", "https://generativelanguage.googleapis.com/v1beta", true, "Google AI Gemini API (`x-goog-api-key` header)."),
  vertex: protocol("vertex", null, false, "Google Vertex AI (Gemini models), OAuth access token; endpoint from `vertex.location`."),
  // Vendors speaking the OpenAI protocol.
  openai: compatible("https://api.openai.com/v1", true, "OpenAI.", { responses: true }),
  vllm: compatible(null, false, "vLLM's OpenAI-compatible server; `baseUrl` required (e.g. http://vllm:8000/v1)."),
  sglang: compatible(null, false, "SGLang's OpenAI-compatible server; `baseUrl` required (e.g. http://sglang:30000/v1)."),
  ollama: compatible("http://127.0.0.1:11434/v1", false, "Ollama's OpenAI-compatible endpoint.", { renameParams: { max_completion_tokens: "max_tokens" } }),
  tgi: compatible(null, false, "Hugging Face Text Generation Inference (Messages API); `baseUrl` required.", {
    renameParams: { max_completion_tokens: "max_tokens" },
  }),
  deepseek: compatible("https://api.deepseek.com/v1", true, "DeepSeek.", { renameParams: { max_completion_tokens: "max_tokens" } }),
  groq: compatible("https://api.groq.com/openai/v1", true, "Groq.", { dropParams: ["logit_bias", "logprobs", "top_logprobs"] }),
  together: compatible("https://api.together.xyz/v1", true, "Together AI.", { renameParams: { max_completion_tokens: "max_tokens" } }),
  // Mistral always sends usage on its last chunk and rejects unknown fields such as stream_options.
  mistral: compatible("https://api.mistral.ai/v1", true, "Mistral AI.", {
    streamUsage: false,
    renameParams: { max_completion_tokens: "max_tokens" },
    dropParams: ["logit_bias", "logprobs", "top_logprobs", "user", "store", "metadata", "service_tier"],
  }),
  openrouter: compatible("https://openrouter.ai/api/v1", true, "OpenRouter."),
} satisfies Record<string, ProviderKind>);

/** A provider kind name. */
export type ProviderKindName = keyof typeof PROVIDER_KINDS;

/** Every kind name, in catalog order (protocols first). */
export const PROVIDER_KIND_NAMES = Object.keys(PROVIDER_KINDS) as [ProviderKindName, ...ProviderKindName[]];
