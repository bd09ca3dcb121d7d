/**
 * The adapter table: one entry per wire protocol, checked by `satisfies` so every
 * adapter id in the plan schema has an implementation. Vendors are not here: they are
 * catalog data over `openai-compatible` (schemas/catalog/providers.ts).
 */
import type { AdapterId, ChatAdapter } from "./adapter.js";
import { anthropicAdapter } from "./anthropic/index.js";
import { azureOpenAIAdapter } from "./azure-openai/index.js";
import { bedrockAdapter } from "./bedrock/index.js";
import { geminiAdapter } from "./gemini/index.js";
import { openAICompatibleAdapter } from "./openai-compatible/index.js";
import { vertexAdapter } from "./vertex/index.js";

export const ADAPTERS = Object.freeze({
  "openai-compatible": openAICompatibleAdapter,
  "azure-openai": azureOpenAIAdapter,
  anthropic: anthropicAdapter,
  bedrock: bedrockAdapter,
  gemini: geminiAdapter,
  vertex: vertexAdapter,
} satisfies Record<AdapterId, ChatAdapter>);
