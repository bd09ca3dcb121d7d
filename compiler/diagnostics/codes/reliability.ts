/**
 * TG63xx: reliability settings (key weights, health, timeouts, retries, fallback
 * conditions, hedging, degraded answers). Rows of the diagnostics table (see ../codes.ts).
 */
import type { CodeDefinition } from "../code-definition.js";

export const reliabilityCodes = {
  "key-weights-length": {
    code: "TG6300",
    severity: "error",
    message: "provider `{provider}` has {weights} `keyWeights` for {keys} `apiKeys`",
    help: "give one weight per API key, in the same order",
  },
  "key-weights-zero": {
    code: "TG6301",
    severity: "error",
    message: "every key weight of provider `{provider}` is 0, so no key would ever be used",
    help: "give at least one key a weight above 0",
  },
  "hedge-after-first-token": {
    code: "TG6302",
    severity: "error",
    message:
      "the hedge delay of model `{model}` ({delay}) is not shorter than `timeouts.firstToken` of provider `{provider}` ({ttft}): the first-token timeout fires first, so the hedge never starts",
    help: "shorten `hedge.delay` below {ttft}, or lengthen the provider's `timeouts.firstToken`",
  },
  "hedge-without-candidate": {
    code: "TG6303",
    severity: "warning",
    message: "model `{model}` hedges, but its attempt order has a single target: there is nothing to race it against",
    help: "add a second target or a fallback, or remove `hedge`",
  },
  "first-token-not-shorter": {
    code: "TG6304",
    severity: "warning",
    message: "`timeouts.firstToken` of provider `{provider}` ({ttft}) is not shorter than `timeouts.total` ({total}), so it never fires",
  },
  "retry-cannot-help": {
    code: "TG6305",
    severity: "warning",
    message: "model `{model}` retries `{class}` on the same target, which answers the same way again",
    help: "remove `{class}` from `retry.on`; a fallback with `on: [{class}]` can send it elsewhere",
  },
  "fallback-on-bad-request": {
    code: "TG6306",
    severity: "warning",
    message: "a fallback of model `{model}` is tried after `bad_request`, which is the request's own fault and fails everywhere",
    help: "remove `bad_request` from `on`",
  },
  "cooldown-over-max": {
    code: "TG6307",
    severity: "error",
    message: "`health.cooldown` of provider `{provider}` ({cooldown}) is longer than `health.maxCooldown` ({max})",
    help: "the cool-down grows from `cooldown` up to `maxCooldown`: make `maxCooldown` the larger",
  },
  "probe-timeout-not-shorter": {
    code: "TG6308",
    severity: "warning",
    message: "the probe timeout of provider `{provider}` ({timeout}) is not shorter than its interval ({interval}): probes overlap",
  },
  "attempt-budget-unused": {
    code: "TG6309",
    severity: "warning",
    message: "`maxAttempts` of model `{model}` is {budget}, but a request can make at most {slots} attempts: the budget never binds",
    help: "lower `maxAttempts`, or remove it",
  },
  "retry-settings-without-retries": {
    code: "TG6310",
    severity: "warning",
    message: "`retry.{field}` of model `{model}` has no effect: `retry.attempts` is 0",
  },
  "hedge-after-deadline": {
    code: "TG6311",
    severity: "warning",
    message: "the hedge delay of model `{model}` ({delay}) is not shorter than its `deadline` ({deadline}), so the hedge never starts",
  },
  "context-fallback-same-model": {
    code: "TG6312",
    severity: "warning",
    message: "the `context_too_long` fallback of model `{model}` sends `{upstream}`, which already failed with that prompt",
    help: "fall back to a model with a larger context window",
  },
  "degraded-on-nothing-reaches": {
    code: "TG6313",
    severity: "warning",
    message: "the degraded answer of model `{model}` is served after `{class}`, which is the client's own fault: it would hide a bad request behind a made-up answer",
    help: "remove `{class}` from `degraded.on`",
  },
  "attempt-outlives-deadline": {
    code: "TG6314",
    severity: "warning",
    message:
      "`timeouts.total` of provider `{provider}` ({total}) is not shorter than the `deadline` of model `{model}` ({deadline}): when an attempt on it times out the deadline has passed, so {after} never runs",
    help: "shorten the provider's `timeouts.total` below {deadline} (or lengthen the deadline) so that a timeout leaves time for {after}",
  },
} as const satisfies Record<string, CodeDefinition>;
