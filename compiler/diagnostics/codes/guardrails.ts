/** TG65xx: guardrail sets (PII, deny lists, injection, limits, moderation). Rows of the diagnostics table (see ../codes.ts). */
import type { CodeDefinition } from "../code-definition.js";

export const guardrailCodes = {
  "unknown-guardrail": {
    code: "TG6501",
    severity: "error",
    message: "{what} attaches guardrail set `{name}`, which is not defined",
    help: "define it under `guardrails:` or fix the name",
  },
  "unused-guardrail": {
    code: "TG6502",
    severity: "warning",
    message: "guardrail set `{name}` is attached to no route and no model, so it never runs",
    help: "add `guardrails: [{name}]` to a route or a model, or remove the set",
  },
  "empty-guardrail": {
    code: "TG6503",
    severity: "warning",
    message: "guardrail set `{name}` checks nothing",
    help: "give it `input:` or `output:` checks, e.g. an `input.pii` map such as `email: redact`",
  },
  "unknown-moderation-provider": {
    code: "TG6504",
    severity: "error",
    message: "the moderation check of guardrail set `{set}` names provider `{name}`, which is not defined",
  },
  "conflicting-moderation": {
    code: "TG6505",
    severity: "error",
    message: "{route} gets two different moderation checks, from guardrail sets `{first}` and `{second}`",
    help: "a request is moderated once: keep the moderation check in one of the sets, or make both identical",
  },
  "uncombinable-deny-patterns": {
    code: "TG6506",
    severity: "error",
    message: "the {direction} deny patterns of {route} cannot be combined into one expression: {reason}",
    help: "deny patterns are matched as one alternation, so numbered backreferences (`\\1`) and capture-group names must not clash; use a distinct named group per pattern",
  },
  "guardrail-window-short": {
    code: "TG6507",
    severity: "warning",
    message: "the output window of guardrail set `{name}` ({window} characters) is shorter than its longest deny term ({longest}); the window is raised to {raised}",
  },
  "moderation-parallel-flag": {
    code: "TG6508",
    severity: "warning",
    message: "the moderation check of guardrail set `{name}` only flags and fails open, so `parallel: true` only delays answers; it runs without holding the answer",
  },
  "guard-model-without-model": {
    code: "TG6509",
    severity: "error",
    message: "the {direction} moderation check of guardrail set `{set}` uses `api: guard-model` but names no `model`",
    help: "name the guard model the provider serves, e.g. `model: meta-llama/Llama-Guard-3-8B`",
  },
} as const satisfies Record<string, CodeDefinition>;
