/**
 * Plan form of guardrails: one merged chain per distinct combination of guardrail sets,
 * and the chain of every route (aligned with `routing.routes`). Everything is already
 * merged and ordered by the compiler: detectors in catalog order with the strictest
 * action of the sets that enable them, all deny terms of a direction grouped by
 * matching options (one automaton each), all deny patterns of a direction in one list
 * (one combined regex at link time). Only texts and numbers: no secret, no PII.
 */
import { z } from "zod";
import { GUARDRAIL_ACTIONS, PII_DETECTORS } from "../catalog/guardrails.js";

const index = z.number().int().min(0);
const Action = z.enum(GUARDRAIL_ACTIONS);
/** The guardrail set a check came from, for the error message and the audit line. */
const Rule = z.string();

export const PlanPiiRule = z.strictObject({ detector: z.enum(PII_DETECTORS), action: Action, rule: Rule });

/** Deny terms that share matching options: one Aho–Corasick automaton. */
export const PlanTermGroup = z.strictObject({
  caseSensitive: z.boolean(),
  wholeWords: z.boolean(),
  terms: z.array(z.strictObject({ term: z.string(), action: Action, rule: Rule })).min(1),
});

export const PlanDenyPattern = z.strictObject({
  /** JavaScript regex source (compiled with `u`), proven free of catastrophic backtracking. */
  pattern: z.string(),
  action: Action,
  rule: Rule,
});

/** The text checks of one direction. */
export const PlanGuardrailScan = z.strictObject({
  pii: z.array(PlanPiiRule),
  terms: z.array(PlanTermGroup),
  deny: z.array(PlanDenyPattern),
  /** Spans matching one of these are exempt from every finding above. */
  allow: z.array(z.string()),
  /** Prompt-injection heuristics (input only): block or flag when the score reaches the threshold. */
  injection: z.strictObject({ threshold: z.number().min(0).max(1), action: z.enum(["block", "flag"]), rule: Rule }).nullable(),
  /** Output streams: characters held back so a finding split across chunks is still seen whole. */
  window: z.number().int().min(0),
});

export const PlanModeration = z.strictObject({
  /** Index into `upstreams`: the provider whose `<basePath>/moderations` is called, with its keys. */
  upstream: index,
  /** `guard-model`: a chat model answering `safe`/`unsafe` at the provider's chat path; absent: the moderations API. */
  api: z.literal("guard-model").optional(),
  model: z.string(),
  timeoutMs: z.number().int().positive(),
  /** What a timeout or an error of the moderation call means: let the request through, or refuse it. */
  onError: z.enum(["open", "closed"]),
  /** Run the moderation call alongside the upstream request (the answer is held until the verdict). */
  parallel: z.boolean(),
  /** Only these categories count; null: the endpoint's `flagged`. */
  categories: z.array(z.string()).nullable(),
  action: z.enum(["block", "flag"]),
  rule: Rule,
});

/** The moderation check of answers: non-streamed whole, streams every `everyChars` characters. */
export const PlanOutputModeration = z.strictObject({
  upstream: index,
  api: z.literal("guard-model").optional(),
  model: z.string(),
  timeoutMs: z.number().int().positive(),
  onError: z.enum(["open", "closed"]),
  categories: z.array(z.string()).nullable(),
  action: z.enum(["block", "flag"]),
  rule: Rule,
  everyChars: z.number().int().positive(),
});

export const PlanLimitRule = z.strictObject({ limit: z.number().int().positive(), rule: Rule });

export const PlanGuardrailChain = z.strictObject({
  /** The names of the merged guardrail sets, joined with `+`. */
  name: z.string(),
  maxMessages: PlanLimitRule.nullable(),
  maxPromptTokens: PlanLimitRule.nullable(),
  input: PlanGuardrailScan.nullable(),
  output: PlanGuardrailScan.nullable(),
  moderation: PlanModeration.nullable(),
  /** The moderation check of the answer; absent: none. */
  outputModeration: PlanOutputModeration.optional(),
});

export const PlanGuardrails = z.strictObject({
  chains: z.array(PlanGuardrailChain).min(1),
  /** routes[i]: the chain of `routing.routes[i]`, or null when the route has none. */
  routes: z.array(index.nullable()),
});

export type PlanPiiRule = z.infer<typeof PlanPiiRule>;
export type PlanTermGroup = z.infer<typeof PlanTermGroup>;
export type PlanDenyPattern = z.infer<typeof PlanDenyPattern>;
export type PlanGuardrailScan = z.infer<typeof PlanGuardrailScan>;
export type PlanModeration = z.infer<typeof PlanModeration>;
export type PlanOutputModeration = z.infer<typeof PlanOutputModeration>;
export type PlanLimitRule = z.infer<typeof PlanLimitRule>;
export type PlanGuardrailChain = z.infer<typeof PlanGuardrailChain>;
export type PlanGuardrails = z.infer<typeof PlanGuardrails>;
