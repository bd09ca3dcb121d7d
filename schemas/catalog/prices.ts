/**
 * Built-in list prices, USD per million tokens, of the vendors' own APIs: keyed by the
 * API host a provider's `baseUrl` points at, then by the upstream model name a target
 * sends. Used by the worst-case cost analysis when a target or fallback has no
 * `price:` of its own. A model served elsewhere (Azure, Bedrock, a proxy, a mock) is
 * not priced from here: the same name does not cost the same there.
 *
 * This is DATA TO OVERRIDE, not a source of truth: vendors change prices, and
 * discounts and batch tiers are not modelled; cached input is the vendors' prompt-cache read price. Public list prices as of
 * 2025-06; write `price: { input, output }` on a target to use your own.
 */

/** A price: USD per 1M input tokens, per 1M output tokens, and per 1M cached input tokens (prompt-cache reads). */
export interface CatalogPrice {
  readonly input: number;
  readonly output: number;
  readonly cachedInput?: number;
}

/** API host → upstream model name → list price. Exact names only (no globs, no dated-suffix guessing). */
export const MODEL_PRICES: Readonly<Record<string, Readonly<Record<string, CatalogPrice>>>> = Object.freeze({
  "api.openai.com": Object.freeze({
    "gpt-4o": { input: 2.5, output: 10, cachedInput: 1.25 },
    "gpt-4o-mini": { input: 0.15, output: 0.6, cachedInput: 0.075 },
    "gpt-4.1": { input: 2, output: 8, cachedInput: 0.5 },
    "gpt-4.1-mini": { input: 0.4, output: 1.6, cachedInput: 0.1 },
    "gpt-4.1-nano": { input: 0.1, output: 0.4, cachedInput: 0.025 },
    "o3-mini": { input: 1.1, output: 4.4, cachedInput: 0.55 },
    "o4-mini": { input: 1.1, output: 4.4, cachedInput: 0.275 },
  }),
  "api.anthropic.com": Object.freeze({
    "claude-3-5-haiku-latest": { input: 0.8, output: 4, cachedInput: 0.08 },
    "claude-3-5-haiku-20241022": { input: 0.8, output: 4, cachedInput: 0.08 },
    "claude-sonnet-4-0": { input: 3, output: 15, cachedInput: 0.3 },
    "claude-sonnet-4-20250514": { input: 3, output: 15, cachedInput: 0.3 },
    "claude-opus-4-0": { input: 15, output: 75, cachedInput: 1.5 },
    "claude-opus-4-20250514": { input: 15, output: 75, cachedInput: 1.5 },
  }),
});

/** The list price of `upstreamModel` on the API at `host`, or undefined when the catalog has none. */
export function catalogPrice(host: string, upstreamModel: string): CatalogPrice | undefined {
  const models = Object.prototype.hasOwnProperty.call(MODEL_PRICES, host) ? MODEL_PRICES[host] : undefined;
  return models !== undefined && Object.prototype.hasOwnProperty.call(models, upstreamModel) ? models[upstreamModel] : undefined;
}
