/**
 * Built-in context windows (tokens) of well-known upstream model names, for the `cost`
 * strategy's "fits the request" filter when a target does not give `contextWindow`.
 * DATA TO OVERRIDE: a self-hosted server may run a model with a shorter window.
 */
export const CONTEXT_WINDOWS: Readonly<Record<string, number>> = Object.freeze({
  "gpt-4o": 128_000,
  "gpt-4o-mini": 128_000,
  "gpt-4.1": 1_047_576,
  "gpt-4.1-mini": 1_047_576,
  "gpt-4.1-nano": 1_047_576,
  "o3-mini": 200_000,
  "o4-mini": 200_000,
  "claude-3-5-haiku-latest": 200_000,
  "claude-sonnet-4-0": 200_000,
  "claude-opus-4-0": 200_000,
});

/** The catalog window of `model`, or undefined. */
export function catalogContextWindow(model: string): number | undefined {
  return Object.prototype.hasOwnProperty.call(CONTEXT_WINDOWS, model) ? CONTEXT_WINDOWS[model] : undefined;
}
