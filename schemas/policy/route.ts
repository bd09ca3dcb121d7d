/** Routes: first-match rules from a requested model name (and headers) to a public model. */
import { z } from "zod";
import { Memory, RouteCache } from "./cache.js";
import { HeaderName, ModelPattern, Name, Regex } from "./common.js";
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

export const RouteMatch = z
  .strictObject({
    model: ModelPattern.optional().describe("The requested model name: exact, or a glob. Default: any name (`*`)."),
    headers: z
      .record(HeaderName, HeaderMatch)
      .optional()
      .describe("Request headers that must match, by name (case-insensitive); all must hold."),
  })
  .refine((m) => m.model !== undefined || m.headers !== undefined, "give `model`, `headers` or both")
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
export type RouteMatch = z.infer<typeof RouteMatch>;
export type Route = z.infer<typeof Route>;
