/** Models: the public names clients send, mapped to weighted targets and fallbacks. */
import { z } from "zod";
import { GuardrailRefs } from "./guardrail.js";
import { Name, Price } from "./common.js";
import { Limits } from "./limits.js";
import { ErrorClasses, ModelReliability } from "./reliability.js";
import { Strategy } from "./strategy.js";

export const Target = z
  .strictObject({
    provider: Name.describe("The provider that serves this target."),
    model: z.string().min(1).optional().describe("The model name sent upstream. Default: the public model name."),
    weight: z.number().nonnegative().optional().describe("Share of traffic relative to the other targets. Default 1."),
    price: Price.optional(),
    contextWindow: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("The upstream model's context window in tokens, for the `cost` strategy. Default: the built-in catalog, else unlimited."),
  })
  .describe("A provider and the upstream model name it serves.");

/**
 * A fallback is either a provider target (`provider`, and optionally the upstream
 * `model`) or, without `provider`, another public model whose whole attempt order is
 * tried in its place. One object rather than a union, so a typo gets a precise message.
 */
export const Fallback = z
  .strictObject({
    provider: Name.optional().describe("The provider to fall back to. Omit it to fall back to the public model named by `model`."),
    model: z.string().min(1).optional().describe("With `provider`: the model name sent upstream (default: the public model name). Without: a public model to fall back to."),
    price: Price.optional(),
    on: ErrorClasses.optional().describe(
      "The failures this fallback is tried after. Default: rate_limited, overloaded, server, timeout, connect, interrupted, auth. Name `context_too_long` for a model with a larger window, `content_filtered` for an alternative.",
    ),
  })
  .describe("A target (or another model) tried, in order, when the chosen target fails before the response starts.");

export const Model = z
  .strictObject({
    name: Name.describe("The public model name clients send."),
    targets: z.array(Target).min(1).describe("Targets chosen by weight."),
    strategy: Strategy.optional(),
    fallbacks: z.array(Fallback).optional().describe("Tried in order after the targets, on connect errors, timeouts, 429 and 5xx."),
    limits: Limits.optional(),
    guardrails: GuardrailRefs.optional().describe("Guardrail sets applied to every route that serves this model (its implicit route included), before the route's own."),
    ...ModelReliability.shape,
  })
  .describe("A public model name and where its traffic goes.");

export type Target = z.infer<typeof Target>;
export type Fallback = z.infer<typeof Fallback>;
export type Model = z.infer<typeof Model>;
