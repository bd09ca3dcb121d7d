/**
 * A cheap, bounded estimate of a chat prompt's size in tokens, for `promptTokens`
 * route matchers and the `cost` strategy's context-window check. Never a tokenizer:
 * BPE on unbounded user text can stall the event loop (REFERENCE §0.3), and a route
 * threshold needs no exactness. The estimate reads characters: ASCII ≈ 4 per token,
 * other alphabetic scripts ≈ 2, CJK and other wide characters ≈ 1, plus 4 tokens of
 * framing per message (the chat template), which is how OpenAI's own guidance sizes
 * prompts. It stops counting at `cap`: callers only compare it against thresholds,
 * so the work is bounded by the largest threshold in the plan (~1 ns per character).
 */
import { eachContentText, messagesOf } from "./message-text.js";

/** Tokens of chat-template framing counted per message. */
const PER_MESSAGE_TOKENS = 4;

/** Estimated prompt tokens of a chat body, or a value > `cap` once it exceeds `cap`. */
export function estimatePromptTokens(body: Readonly<Record<string, unknown>>, cap: number): number {
  // Counted in quarter tokens, so ASCII adds 1 per character and the loop stays integer.
  const capQuarters = (cap + 1) * 4;
  let quarters = 0;
  for (const m of messagesOf(body)) {
    quarters += PER_MESSAGE_TOKENS * 4;
    if (quarters > capQuarters) break;
    if (m === null || typeof m !== "object") continue;
    eachContentText((m as { content?: unknown }).content, (text) => {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        quarters += c < 0x80 ? 1 : c < 0x2e80 ? 2 : 4;
        // Checking every 256 characters keeps the branch out of the inner loop's way.
        if ((i & 0xff) === 0xff && quarters > capQuarters) return false;
      }
      return quarters <= capQuarters;
    });
    if (quarters > capQuarters) break;
  }
  return Math.ceil(quarters / 4);
}
