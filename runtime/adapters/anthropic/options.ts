/**
 * What the anthropic adapter needs from the plan besides the model name. A local shape
 * until the plan carries per-adapter options; `index.ts` maps the plan's fields onto it.
 */
export interface AnthropicOptions {
  /** The `anthropic-version` header. */
  readonly version: string;
  /** `max_tokens` when the client sent none (Anthropic requires one). */
  readonly defaultMaxTokens: number;
  /** Path of the Messages endpoint on the upstream's origin. */
  readonly path: string;
}

export const DEFAULT_ANTHROPIC_OPTIONS: AnthropicOptions = Object.freeze({
  version: "2023-06-01",
  defaultMaxTokens: 4096,
  path: "/v1/messages",
});
