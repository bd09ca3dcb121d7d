/**
 * TG62xx: smart routing: route matchers beyond model and headers, selection
 * strategies, GPU pools and KV-cache affinity. Rows of the diagnostics table (see ../codes.ts).
 */
import type { CodeDefinition } from "../code-definition.js";

export const routingCodes = {
  "unknown-classifier": { code: "TG6200", severity: "error", message: "{what} refers to unknown classifier `{name}`" },
  "unknown-route-consumer": { code: "TG6201", severity: "error", message: "{what} refers to unknown consumer `{name}`" },
  "unknown-team": {
    code: "TG6202",
    severity: "error",
    message: "{what} refers to team `{name}`, which no consumer belongs to",
    help: "set `team: {name}` on the consumers of that team",
  },
  "route-matches-no-consumer": {
    code: "TG6203",
    severity: "warning",
    message: "{route} can never match: no consumer passes its consumer, team and tag conditions together",
  },
  "empty-token-range": {
    code: "TG6204",
    severity: "error",
    message: "`match.promptTokens` of {route} admits no prompt size: {reason}",
  },
  "pool-gpu-unweighted": {
    code: "TG6205",
    severity: "error",
    message: "endpoint {endpoint} of pool `{pool}` has GPU type `{gpu}`, which the pool's `{table}` does not list",
  },
  "pool-weights-ambiguous": {
    code: "TG6206",
    severity: "error",
    message: "pool `{pool}` gives both `gpuWeights` and `throughput`",
    help: "keep one: `gpuWeights` sets the weights directly, `throughput` derives them",
  },
  "pool-without-weights": {
    code: "TG6207",
    severity: "warning",
    message: "pool `{pool}` has GPUs of different types ({gpus}) but neither `gpuWeights` nor `throughput`, so every GPU counts the same",
    help: "add `gpuWeights` (the weight of one GPU of each type) or their `throughput`",
  },
  "strategy-option-ignored": {
    code: "TG6208",
    severity: "warning",
    message: "`strategy.{option}` of model `{model}` has no effect: {reason}",
  },
  "cost-strategy-unpriced": {
    code: "TG6209",
    severity: "error",
    message: "model `{model}` picks by cost, but target {target} has no price",
    help: "add the target's `price` (`input` and `output`, USD per 1M tokens)",
  },
  "strategy-single-target": {
    code: "TG6210",
    severity: "warning",
    message: "the strategy of model `{model}` has no effect: the model has one weighted target",
  },
  "unused-gpu-weight": {
    code: "TG6211",
    severity: "warning",
    message: "`{table}.{gpu}` of pool `{pool}` is not used: no endpoint has a `{gpu}` GPU",
  },
  "duplicate-endpoint": {
    code: "TG6212",
    severity: "error",
    message: "pool `{pool}` has two endpoints named `{name}`",
  },
  "pool-name-taken": {
    code: "TG6213",
    severity: "error",
    message: "pool `{name}` has the name of a provider; targets could not tell them apart",
  },
  "unused-classifier": { code: "TG6214", severity: "warning", message: "classifier `{name}` is not used by any route" },
  "unused-pool": { code: "TG6215", severity: "warning", message: "pool `{name}` is not used by any model" },
  "classifier-keyword-duplicate": {
    code: "TG6216",
    severity: "warning",
    message: "keyword `{keyword}` is listed twice in classifier `{classifier}`",
  },
} as const satisfies Record<string, CodeDefinition>;
