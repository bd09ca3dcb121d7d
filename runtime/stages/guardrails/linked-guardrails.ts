/**
 * Guardrail chains linked: the plan's lists turned into one PII scanner, one
 * Aho–Corasick automaton per term group and one combined deny regex per direction,
 * built once per plan (never per request).
 */
import type { LinearRegex } from "../../../schemas/plan/linear-regex.js";
import type { GuardrailAction } from "../../../schemas/catalog/guardrails.js";
import type { PlanLimitRule } from "../../../schemas/plan/guardrails.js";
import type { LinkedUpstream } from "../../plan/linked-plan.js";
import type { AhoCorasick } from "../../canonical/aho-corasick.js";
import type { PiiScanner } from "./pii-scanner.js";
import type { HoldRule } from "./hold-rules.js";

export interface LinkedTermGroup {
  readonly automaton: AhoCorasick;
  readonly actions: readonly GuardrailAction[];
  readonly rules: readonly string[];
}

export interface LinkedDeny {
  /** Every deny pattern of the direction as one alternation on the linear-time engine; a match names its pattern. */
  readonly combined: LinearRegex;
  /** Action and rule of each pattern, by pattern index. */
  readonly each: readonly { readonly action: GuardrailAction; readonly rule: string }[];
}

/** The text checks of one direction. */
export interface LinkedScan {
  readonly pii: PiiScanner | null;
  /** Action and rule per detector of `pii`. */
  readonly piiActions: readonly GuardrailAction[];
  readonly piiRules: readonly string[];
  readonly terms: readonly LinkedTermGroup[];
  readonly deny: LinkedDeny | null;
  readonly allow: LinearRegex | null;
  readonly injection: { readonly threshold: number; readonly action: "block" | "flag"; readonly rule: string } | null;
  readonly window: number;
  /** What the stream guard must hold back for these checks (hold-rules.ts). */
  readonly hold: readonly HoldRule[];
  /** True when some finding would change the text (redact or mask), so rewriting is possible. */
  readonly rewrites: boolean;
}

/** One external moderation check, input or output: where and how it is called, and what its verdict means. */
export interface LinkedModerationCall {
  readonly upstream: LinkedUpstream;
  /** `moderations`: the OpenAI moderation API at `path`; `guard-model`: a chat model at the upstream's chat path. */
  readonly api: "moderations" | "guard-model";
  readonly model: string;
  readonly path: string;
  /** The request body, minus `input`, serialized once: `{"model":…,"input":` */
  readonly bodyPrefix: string;
  readonly timeoutMs: number;
  readonly onError: "open" | "closed";
  readonly categories: readonly string[] | null;
  readonly action: "block" | "flag";
  readonly rule: string;
}

export interface LinkedModeration extends LinkedModerationCall {
  readonly parallel: boolean;
}

export interface LinkedOutputModeration extends LinkedModerationCall {
  /** Streams: characters of answer per check. */
  readonly everyChars: number;
}

export interface LinkedGuardrails {
  readonly name: string;
  readonly maxMessages: PlanLimitRule | null;
  readonly maxPromptTokens: PlanLimitRule | null;
  readonly input: LinkedScan | null;
  readonly output: LinkedScan | null;
  readonly moderation: LinkedModeration | null;
  /** The moderation check of answers, or null. */
  readonly outputModeration: LinkedOutputModeration | null;
}
