/**
 * The prompt-token estimate of a chat request, the one every part of the gateway uses:
 * route `promptTokens` conditions and the `cost` scorer's context-window check,
 * guardrail `maxPromptTokens`, quota reservations and conversation memory. All of
 * them measure a prompt with the same rule (schemas/plan/token-estimate.ts, which the
 * compiler's offline mirror shares) over the same texts (message-text.ts), so they
 * agree; a caller that only compares against a bound passes it as `cap` and the walk
 * stops as soon as the estimate exceeds it.
 *
 * Counted: every message's texts (content, names, tool calls), a fixed amount per
 * media part, the tool definitions and response format as JSON, and the chat format's
 * framing. The exact count (exact-count.ts) tokenizes the same texts (`promptTexts`).
 */
import { estimateTextTokens, PER_MEDIA_PART_TOKENS, PER_MESSAGE_TOKENS, REPLY_PRIMING_TOKENS } from "../../schemas/plan/token-estimate.js";
import type { ChatMessage, ChatRequestView } from "./chat-request.js";
import { ALL_TEXT, mediaParts, walkTexts } from "./message-text.js";

/** Request fields that reach the model besides the messages, counted as their JSON. */
const DEFINITION_FIELDS = ["tools", "functions", "response_format"] as const;

/** Estimated prompt tokens of a chat request; some value above `cap` as soon as the estimate exceeds it. */
export function estimatePromptTokens(request: ChatRequestView, cap = Number.POSITIVE_INFINITY): number {
  let tokens = REPLY_PRIMING_TOKENS + estimateMessagesTokens(request.messages, cap - REPLY_PRIMING_TOKENS);
  for (const field of DEFINITION_FIELDS) {
    if (tokens > cap) return tokens;
    const value = request.body[field];
    if (value !== undefined && value !== null) tokens += estimateTextTokens(JSON.stringify(value) ?? "", cap - tokens);
  }
  return tokens;
}

/** Estimated tokens of some messages (their texts, media parts and framing); some value above `cap` once it exceeds it. */
export function estimateMessagesTokens(messages: readonly ChatMessage[], cap = Number.POSITIVE_INFINITY): number {
  let tokens = 0;
  for (const m of messages) tokens += PER_MESSAGE_TOKENS + PER_MEDIA_PART_TOKENS * mediaParts(m.content);
  if (tokens > cap) return tokens;
  walkTexts(messages, ALL_TEXT, (text) => {
    tokens += estimateTextTokens(text, cap - tokens);
    return tokens > cap ? false : undefined;
  });
  return tokens;
}

/** The texts of a request that an exact count tokenizes (the estimate's texts), with its message and media-part counts. */
export function promptTexts(request: ChatRequestView): { texts: string[]; messages: number; mediaParts: number } {
  const texts: string[] = [];
  let media = 0;
  for (const m of request.messages) media += mediaParts(m.content);
  walkTexts(request.messages, ALL_TEXT, (text) => {
    texts.push(text);
    return undefined;
  });
  for (const field of DEFINITION_FIELDS) {
    const value = request.body[field];
    if (value !== undefined && value !== null) texts.push(JSON.stringify(value) ?? "");
  }
  return { texts, messages: request.messages.length, mediaParts: media };
}

/** Prompt tokens from exact text counts plus the chat format's overhead (the estimate's overhead). */
export function promptTokensFromCounts(textTokens: number, messages: number, mediaParts: number): number {
  return REPLY_PRIMING_TOKENS + messages * PER_MESSAGE_TOKENS + mediaParts * PER_MEDIA_PART_TOKENS + textTokens;
}

/** Output tokens from characters of generated text, when the upstream reported no usage. */
export function tokensFromChars(chars: number): number {
  return Math.ceil(chars / 4);
}
