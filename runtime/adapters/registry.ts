/**
 * The adapter table: one entry per wire protocol, checked by `satisfies` so every
 * adapter id in the plan schema has an implementation. Vendors are not here: they are
 * catalog data over `openai-compatible` (schemas/catalog/providers.ts).
 */
import type { AdapterId, ChatAdapter } from "./adapter.js";
import { azureOpenAIAdapter } from "./azure-openai/index.js";
import { notImplementedAdapter } from "./not-implemented.js";
import { openAICompatibleAdapter } from "./openai-compatible/index.js";

export const ADAPTERS = Object.freeze({
  "openai-compatible": openAICompatibleAdapter,
  "azure-openai": azureOpenAIAdapter,
  anthropic: notImplementedAdapter("anthropic"),
  bedrock: notImplementedAdapter("bedrock"),
  gemini: notImplementedAdapter("gemini"),
  vertex: notImplementedAdapter("vertex"),
} satisfies Record<AdapterId, ChatAdapter>);
