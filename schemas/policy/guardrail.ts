/**
 * Guardrail sets: named bundles of input and output checks that routes and models
 * attach by name. Several sets on one route merge (the strictest action per check,
 * the lowest limit), so a company-wide set and a team's set compose.
 */
import { z } from "zod";
import { GUARDRAIL_ACTIONS } from "../catalog/guardrails.js";
import { Duration, Name, Regex } from "./common.js";

const Action = z
  .enum(GUARDRAIL_ACTIONS)
  .describe(
    "`block` refuses (400 `content_blocked`), `redact` replaces with a typed placeholder such as `[EMAIL_1]`, `mask` hides all but a few characters, `flag` only records the finding in the audit log.",
  );

export const PiiActions = z
  .strictObject({
    email: Action.optional().describe("E-mail addresses (file names such as `icon@2x.png` excluded)."),
    phone: Action.optional().describe("Phone numbers: international (`+` and 8–15 digits), mainland China mobile, North American."),
    card: Action.optional().describe("Payment card numbers: a known brand prefix and length, and a valid Luhn check digit."),
    iban: Action.optional().describe("IBANs: the country's length and a valid mod-97 checksum."),
    us_ssn: Action.optional().describe("US social security numbers (never-issued areas, groups and serials excluded)."),
    cn_id: Action.optional().describe("Mainland China resident IDs: province code, a real birth date, the ISO 7064 check character."),
    ip: Action.optional().describe("IPv4 and IPv6 addresses (version strings such as `v1.2.3.4` excluded)."),
    credential: Action.optional().describe("API keys and tokens (OpenAI, Anthropic, AWS, GitHub, Slack, Google, Stripe, JWTs) and PEM private key blocks."),
  })
  .describe("PII detectors to run, each with its action.");

export const DenyTerms = z
  .strictObject({
    terms: z.array(z.string().min(1).max(256)).min(1).max(100_000).describe("Words or phrases; all terms of a route are matched in one pass."),
    action: Action.optional().describe("Default `block`."),
    caseSensitive: z.boolean().optional().describe("Default false."),
    wholeWords: z
      .boolean()
      .optional()
      .describe(
        "A term must not be part of a longer word (letters, digits and `_`; text in scripts written without spaces, such as Chinese, Japanese or Thai, has no word edges). Default true.",
      ),
  })
  .describe("A list of denied terms.");

export const DenyPattern = z
  .strictObject({
    pattern: Regex.describe("A regular expression; proven free of catastrophic backtracking by `tollgate check`."),
    action: Action.optional().describe("Default `block`."),
  })
  .describe("A denied regular expression.");

const TextChecks = {
  pii: PiiActions.optional(),
  denyTerms: z.array(DenyTerms).optional().describe("Denied terms, matched with one Aho–Corasick automaton per route."),
  denyPatterns: z.array(DenyPattern).optional().describe("Denied regular expressions, matched as one combined expression per route."),
  allowPatterns: z.array(Regex).optional().describe("Text matching one of these is exempt from the checks above (e.g. your own domain's e-mail addresses)."),
};

const ModerationApi = z
  .enum(["moderations", "guard-model"])
  .optional()
  .describe(
    "`moderations` (default): the provider's `/moderations` endpoint in the OpenAI moderation API shape. `guard-model`: an OpenAI-compatible chat model that answers `safe`, or `unsafe` and its categories on the next line (Llama Guard served by vLLM, or any model prompted to answer so), called at the provider's chat path.",
  );

export const Moderation = z
  .strictObject({
    provider: Name.describe("The provider whose `<baseUrl>/moderations` endpoint (OpenAI moderation API) is called, with its API keys."),
    api: ModerationApi,
    model: z.string().min(1).optional().describe("The moderation model. Default `omni-moderation-latest` (`moderations`); required for `guard-model`."),
    timeout: Duration.optional().describe("Deadline of the moderation call. Default 2s."),
    onError: z.enum(["open", "closed"]).describe("When the call times out or fails: `open` lets the request through, `closed` refuses it (503)."),
    parallel: z.boolean().optional().describe("Call moderation alongside the upstream request; the answer is held until the verdict. Default false (moderation first)."),
    categories: z.array(z.string().min(1)).optional().describe("Only these categories count (e.g. `violence`, `self-harm`); default: the endpoint's `flagged`."),
    action: z.enum(["block", "flag"]).optional().describe("Default `block`."),
  })
  .describe("An external moderation check of the request.");

export const OutputModeration = z
  .strictObject({
    provider: Name.describe("The provider that runs the check, with its API keys."),
    api: ModerationApi,
    model: z.string().min(1).optional().describe("The moderation model. Default `omni-moderation-latest` (`moderations`); required for `guard-model`."),
    timeout: Duration.optional().describe("Deadline of one moderation call. Default 2s."),
    onError: z.enum(["open", "closed"]).describe("When the call times out or fails: `open` lets the answer through, `closed` stops it (503, or an error event in a stream)."),
    categories: z.array(z.string().min(1)).optional().describe("Only these categories count; default: the check's own verdict."),
    action: z.enum(["block", "flag"]).optional().describe("Default `block`."),
    every: z
      .number()
      .int()
      .min(64)
      .max(65536)
      .optional()
      .describe(
        "Streams: characters of answer per check. A stream is held until each window of this many characters (and its end) is judged, so nothing flagged reaches the client; larger windows cost fewer calls and more latency. Default 1000.",
      ),
  })
  .describe("An external moderation check of the answer: non-streamed answers whole, streams window by window.");

export const Injection = z
  .strictObject({
    threshold: z.number().min(0.05).max(1).optional().describe("Score (0–1, noisy-or of the matched patterns' weights) at which the action applies. Default 0.5."),
    action: z.enum(["block", "flag"]).optional().describe("Default `block`."),
  })
  .describe("Prompt-injection heuristics: a maintained, weighted pattern set (English and Chinese).");

export const InputChecks = z
  .strictObject({
    ...TextChecks,
    injection: Injection.optional(),
    maxMessages: z.number().int().positive().optional().describe("Most messages a request may have."),
    maxPromptTokens: z
      .number()
      .int()
      .positive()
      .optional()
      .describe("Most prompt tokens, by the gateway's one prompt estimate (the same as route `promptTokens` and quota reservations)."),
    moderation: Moderation.optional(),
  })
  .describe("Checks on the request (the messages sent upstream).");

export const OutputChecks = z
  .strictObject({
    ...TextChecks,
    window: z
      .number()
      .int()
      .min(8)
      .max(4096)
      .optional()
      .describe(
        "Streams: characters held back for deny patterns, whose matches have no declared length (PII detectors and deny terms hold exactly what they could still complete). Default 48 (or the longest deny term).",
      ),
    moderation: OutputModeration.optional(),
  })
  .describe("Checks on the answer, streamed or not.");

export const GuardrailSet = z
  .strictObject({
    name: Name.describe("The name routes and models attach it by."),
    input: InputChecks.optional(),
    output: OutputChecks.optional(),
  })
  .describe("A named set of guardrails.");

/** Names of guardrail sets, on a route or a model. */
export const GuardrailRefs = z.array(Name).min(1).describe("Guardrail sets to apply, by name; several merge (the strictest action wins).");

export type PiiActions = z.infer<typeof PiiActions>;
export type DenyTerms = z.infer<typeof DenyTerms>;
export type DenyPattern = z.infer<typeof DenyPattern>;
export type Moderation = z.infer<typeof Moderation>;
export type OutputModeration = z.infer<typeof OutputModeration>;
export type InputChecks = z.infer<typeof InputChecks>;
export type OutputChecks = z.infer<typeof OutputChecks>;
export type GuardrailSet = z.infer<typeof GuardrailSet>;
