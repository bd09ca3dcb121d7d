/**
 * The completion text: deterministic words, so tests can assert exact content and
 * every run of the benchmark moves the same bytes.
 */

/**
 * One token each. Plain ASCII without quotes or backslashes, so a word is its own JSON
 * string content and the wire builders can splice it without JSON.stringify.
 */
export const WORDS: readonly string[] = Object.freeze(["Tollgate ", "mock ", "says: ", "the ", "quick ", "brown ", "fox ", "jumps ", "over ", "the ", "lazy ", "dog. "]);

/** The i-th token of every completion. */
function word(i: number): string {
  // The modulo keeps the index in range; the fallback only satisfies noUncheckedIndexedAccess.
  return WORDS[i % WORDS.length] ?? "";
}

const textCache = new Map<number, string>();
/** Completions longer than this are built per request instead of cached (rare, test-only sizes). */
const TEXT_CACHE_MAX_TOKENS = 4096;

/** The whole completion of `tokens` tokens: the concatenation of the first `tokens` words. */
export function completionText(tokens: number): string {
  const cached = textCache.get(tokens);
  if (cached !== undefined) return cached;
  let text = "";
  for (let i = 0; i < tokens; i++) text += word(i);
  if (tokens <= TEXT_CACHE_MAX_TOKENS) textCache.set(tokens, text);
  return text;
}

/**
 * Prompt tokens as most gateways estimate them before an exact count: characters / 4,
 * rounded up, at least 1. Text parts of multimodal content count; other parts do not.
 */
export function estimatePromptTokens(messages: readonly unknown[]): number {
  let chars = 0;
  for (const message of messages) {
    if (typeof message !== "object" || message === null) continue;
    const content = (message as { content?: unknown }).content;
    if (typeof content === "string") chars += content.length;
    else if (Array.isArray(content)) {
      for (const part of content as unknown[]) {
        const text = typeof part === "object" && part !== null ? (part as { text?: unknown }).text : undefined;
        if (typeof text === "string") chars += text.length;
      }
    }
  }
  return Math.max(1, Math.ceil(chars / 4));
}
