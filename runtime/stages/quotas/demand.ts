/**
 * What a request may use, as admission sees it before the upstream answers: prompt
 * tokens, output tokens, seconds of audio, characters to speak. One Demand per
 * endpoint kind, so admission (admit.ts) reserves the same way for chat, embeddings
 * and audio, and settling corrects every unit with what the upstream reported.
 *
 * Prompt tokens are produced on demand (only quotas that count them pay for the count);
 * everything else is known from the request at no cost.
 */
import type { LinkedModel } from "../../plan/linked-plan.js";
import { estimateTextTokens } from "../../../schemas/plan/token-estimate.js";
import type { ChatRequestView } from "../../canonical/chat-request.js";
import { estimatePromptTokens, promptTexts, promptTokensFromCounts } from "../../canonical/prompt-tokens.js";
import { encodingFor } from "../../canonical/exact-count.js";
import type { LinkedQuota } from "./plan-quotas.js";
import type { QuotaService } from "./quota-service.js";

/** Exact counts get this long in the worker before admission falls back to the estimate. */
const EXACT_BUDGET_MS = 50;

export interface PromptCount {
  readonly tokens: number;
  readonly exact: boolean;
}

export interface Demand {
  /** Prompt tokens, counted exactly when a quota asks and the budget allows, else estimated. */
  inputTokens(service: QuotaService, applicable: readonly LinkedQuota[], model: LinkedModel): PromptCount | Promise<PromptCount>;
  /** Output tokens to reserve on this quota: the request's `max_tokens`, the quota's default, or 0 where no text is generated. */
  outputTokens(q: LinkedQuota): number;
  /** Seconds of audio the request carries (transcriptions; estimated from the upload). */
  readonly audioSeconds: number;
  /** Characters of text to turn into speech. */
  readonly characters: number;
}

/** A chat request (`/v1/chat/completions`, and `/v1/messages` once translated). */
export function chatDemand(request: ChatRequestView): Demand {
  const maxOutput = request.maxTokens;
  return {
    async inputTokens(service, applicable, model) {
      if (applicable.some((q) => q.plan.exact && q.needsInput)) {
        const { texts, messages, mediaParts } = promptTexts(request);
        const counted = await service.exactCounter.count(encodingFor(model.weighted[0]?.model ?? model.name), texts, EXACT_BUDGET_MS);
        if (counted !== null) return { tokens: promptTokensFromCounts(counted, messages, mediaParts), exact: true };
      }
      return { tokens: estimatePromptTokens(request), exact: false };
    },
    outputTokens: (q) => maxOutput ?? q.plan.outputTokens,
    audioSeconds: 0,
    characters: 0,
  };
}

/**
 * `/v1/embeddings`: the input texts' tokens (estimated: bounded on the event loop;
 * token-array inputs are counted exactly by their length); nothing is generated.
 */
export function embeddingsDemand(input: unknown): Demand {
  return {
    inputTokens: () => ({ tokens: embeddingInputTokens(input), exact: false }),
    outputTokens: () => 0,
    audioSeconds: 0,
    characters: 0,
  };
}

/** `/v1/audio/speech`: the characters to speak (and their tokens, for token quotas on TTS models billed by tokens). */
export function speechDemand(text: string): Demand {
  return {
    inputTokens: () => ({ tokens: estimateTextTokens(text), exact: false }),
    outputTokens: () => 0,
    audioSeconds: 0,
    characters: text.length,
  };
}

/** `/v1/audio/transcriptions`: the audio's duration (read from the file's header, or estimated from its size). */
export function transcriptionDemand(audioSeconds: number): Demand {
  return {
    inputTokens: () => ({ tokens: 0, exact: false }),
    outputTokens: () => 0,
    audioSeconds,
    characters: 0,
  };
}

/** Tokens of an embeddings `input`: a string, strings, a token array, or token arrays. */
export function embeddingInputTokens(input: unknown): number {
  if (typeof input === "string") return estimateTextTokens(input);
  if (!Array.isArray(input)) return 0;
  let tokens = 0;
  for (const item of input) {
    if (typeof item === "string") tokens += estimateTextTokens(item);
    else if (typeof item === "number") tokens += 1;
    else if (Array.isArray(item)) tokens += item.length;
  }
  return tokens;
}
