/** Routes: first-match rules from a requested model name (and headers) to a public model. */
import { z } from "zod";
import { Memory, RouteCache } from "./cache.js";
import { HeaderName, ModelPattern, Name, Regex, Tags } from "./common.js";
import { RoutePrompts } from "./prompts.js";
import { GuardrailRefs } from "./guardrail.js";

/**
 * One header condition. Every field given must hold: `exact` and `regex` test the
 * value (the header must then be present), `present: false` requires it to be absent.
 */
export const HeaderMatch = z
  .strictObject({
    exact: z.string().max(1024).optional().describe("The header value must equal this (case-sensitive)."),
    regex: Regex.optional().describe("The header value must match this regular expression (unanchored unless it uses ^ and $)."),
    present: z.boolean().optional().describe("true: the header must be sent (any value); false: it must not be sent."),
  })
  .refine((m) => m.exact !== undefined || m.regex !== undefined || m.present !== undefined, "give `exact`, `regex` or `present`")
  .describe("A condition on one request header.");

/** A bound on the prompt size, in (estimated) tokens; every bound given must hold. */
export const TokenBound = z
  .strictObject({
    gt: z.number().int().nonnegative().optional().describe("More than this many tokens."),
    gte: z.number().int().nonnegative().optional().describe("At least this many tokens."),
    lt: z.number().int().positive().optional().describe("Fewer than this many tokens."),
    lte: z.number().int().nonnegative().optional().describe("At most this many tokens."),
  })
  .refine((b) => b.gt !== undefined || b.gte !== undefined || b.lt !== undefined || b.lte !== undefined, "give `gt`, `gte`, `lt` or `lte`")
  .describe(
    "A bound on the prompt size in tokens, by the gateway's one prompt estimate (the same as guardrail `maxPromptTokens` and quota reservations: about a token per common English word, one per CJK character, plus framing per message).",
  );

/** One name or a list of names. */
const OneOrMore = z.union([Name, z.array(Name).min(1)]);

export const RouteMatch = z
  .strictObject({
    model: ModelPattern.optional().describe("The requested model name: exact, or a glob. Default: any name (`*`)."),
    headers: z.record(HeaderName, HeaderMatch).optional().describe("Request headers that must match, by name (case-insensitive); all must hold."),
    path: z
      .union([z.string().regex(/^\//, "a path starts with `/`"), z.array(z.string().regex(/^\//, "a path starts with `/`")).min(1)])
      .optional()
      .describe("The endpoint path(s), e.g. `/v1/chat/completions`; any one must equal the request path."),
    consumer: OneOrMore.optional().describe("The calling consumer, or one of these consumers."),
    team: OneOrMore.optional().describe("The calling consumer's `team`, or one of these teams."),
    consumerTags: Tags.optional().describe("Tags the calling consumer must carry (all of them)."),
    promptTokens: TokenBound.optional(),
    classifier: OneOrMore.optional().describe("A content classifier (or any of these) the last user message must match."),
  })
  .refine((m) => Object.values(m).some((v) => v !== undefined), "give at least one condition, e.g. `model`")
  .describe("What a request must look like to take this route.");

export const Route = z
  .strictObject({
    name: Name.optional().describe("A name for logs and diagnostics."),
    match: RouteMatch,
    model: Name.describe("The public model that serves requests matching this route."),
    prompts: RoutePrompts.optional(),
    cache: RouteCache.optional(),
    memory: Memory.optional(),
    guardrails: GuardrailRefs.optional(),
  })
  .describe("A first-match rule. Every model also has an implicit exact route after the explicit ones.");

export type HeaderMatch = z.infer<typeof HeaderMatch>;
export type TokenBound = z.infer<typeof TokenBound>;
export type RouteMatch = z.infer<typeof RouteMatch>;
export type Route = z.infer<typeof Route>;
