/**
 * Token usage of one upstream call, normalized across providers. This is the one
 * shape that accounting (quotas, ledger, cost, metrics, audit) reads; adapters fill it
 * from whatever their provider reports.
 *
 * Semantics (OpenAI's, so the numbers add up the same way for every provider):
 * - `inputTokens` counts every prompt token, including cached reads and cache writes.
 *   (Anthropic reports `input_tokens` without them: its adapter adds them back.)
 * - `cachedInputTokens` and `cacheCreationTokens` are the parts of `inputTokens` read
 *   from / written to the provider's prompt cache (priced differently).
 * - `outputTokens` counts every generated token, including reasoning tokens;
 *   `reasoningTokens` is the part of it spent on reasoning.
 * A field the provider does not report is 0; `source` says where the numbers came from.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheCreationTokens: number;
  reasoningTokens: number;
  /** `upstream`: reported by the provider; `counted`: counted by the gateway from the text. */
  source: "upstream" | "counted";
  /**
   * Units where tokens do not apply (audio), set only by those endpoints: characters of
   * input text turned into speech (`/v1/audio/speech`) …
   */
  inputCharacters?: number;
  /** … and seconds of audio transcribed (`/v1/audio/transcriptions`, from the provider's `usage.seconds` or `duration`). */
  audioSeconds?: number;
}

export function emptyUsage(source: Usage["source"] = "upstream"): Usage {
  return { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheCreationTokens: 0, reasoningTokens: 0, source };
}

export function totalTokens(u: Usage): number {
  return u.inputTokens + u.outputTokens;
}
