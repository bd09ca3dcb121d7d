/** TG64xx: quotas, budgets and their stores. Rows of the diagnostics table (see ../codes.ts). */
import type { CodeDefinition } from "../code-definition.js";

export const quotaCodes = {
  "quota-duplicate-stores": {
    code: "TG6400",
    severity: "error",
    message: "`stores` is set in more than one document",
    help: "keep one `stores` block for the whole gateway",
  },
  "quota-shared-without-store": {
    code: "TG6401",
    severity: "error",
    message: "quota `{quota}` is `consistency: shared`, but the policy declares no Redis store to share it through",
    help: "add a Redis store at the top level of the policy, `stores:` with `redis:` and `url: env:REDIS_URL` under it (and `- name: REDIS_URL` in `secrets` if the policy lists them), or make the quota `consistency: local`",
  },
  "quota-unknown-name": {
    code: "TG6402",
    severity: "error",
    message: "quota `{quota}` names unknown {kind} `{name}`",
  },
  "quota-unknown-team": {
    code: "TG6403",
    severity: "error",
    message: "quota `{quota}` matches team `{name}`, but no consumer has `team: {name}`",
    help: "give the team's consumers `team: {name}`, or fix the name",
  },
  "quota-header-missing": {
    code: "TG6404",
    severity: "error",
    message: "quota `{quota}` has `scope: header` but names no `header`",
    help: "add `header: x-tenant` (the request header whose value keys the counter)",
  },
  "quota-header-ignored": {
    code: "TG6405",
    severity: "warning",
    message: "quota `{quota}` names a `header`, which is used only with `scope: header`",
    help: "add `scope: header`, or remove `header`",
  },
  "quota-burst-month": {
    code: "TG6406",
    severity: "error",
    message: "quota `{quota}` sets `burst` with `per: month`: a calendar month is a fixed window, not a refilling bucket",
    help: "remove `burst` (the budget resets on the 1st, UTC), or use `per: day` with a burst",
  },
  "quota-unpriced-target": {
    code: "TG6407",
    severity: "error",
    message: "quota `{quota}` limits spend, but model `{model}` can be served by `{target}` on `{provider}`, which has no price",
    help: "write `price` with `input` and `output` (USD per 1M tokens) on that target, or limit tokens instead",
  },
  "quota-never-admits": {
    code: "TG6408",
    severity: "error",
    message: "quota `{quota}` can never admit a request: each request counts at least {need} {unit} but at most {capacity} fit",
    help: "raise `limit` (or `burst`)",
  },
  "quota-default-reservation-too-large": {
    code: "TG6409",
    severity: "warning",
    message: "quota `{quota}` allows at most {capacity} {unit} at once, but a request without `max_tokens` reserves {need} output tokens: such requests are always refused",
    help: "set `outputTokens` on the quota to the output a typical request needs, or raise the limit",
  },
  "quota-usd-reservation-too-large": {
    code: "TG6417",
    severity: "warning",
    message:
      "quota `{quota}` allows at most {capacity} at once, but a request to model `{model}` without `max_tokens` reserves at least {need} ({tokens} output tokens at {price} per 1M, the dearest of its targets): such requests are always refused",
    help: "set `outputTokens` on the quota to the output a typical request needs, or raise the limit",
  },
  "quota-downgrade-limited": {
    code: "TG6410",
    severity: "warning",
    message: "quota `{quota}` downgrades to model `{model}`, which this quota also limits: a downgraded request is refused by it too",
    help: "restrict the quota to the expensive models with `match.models`",
  },
  "quota-never-binds": {
    code: "TG6411",
    severity: "warning",
    message: "quota `{quota}` never binds: quota `{other}` allows at most {limit} {unit} per {per} for all requests together",
    help: "lower this quota's limit below {limit}, or remove it",
  },
  "quota-matches-nothing": {
    code: "TG6412",
    severity: "warning",
    message: "quota `{quota}` applies to no request: no consumer it matches may use a model it matches",
  },
  "quota-duplicate-name": {
    code: "TG6413",
    severity: "error",
    message: "quota `{name}` is defined more than once (counters are kept by name)",
  },
  "quota-downgrade-cycle": {
    code: "TG6414",
    severity: "warning",
    message: "quota downgrades loop: {cycle}",
    help: "a request is downgraded at most 3 times; break the loop so the last model is refused or served",
  },
  "quota-audio-unit-unreachable": {
    code: "TG6415",
    severity: "warning",
    message:
      "quota `{quota}` counts {unit}, but no model it matches is served by a provider that offers `/v1/audio/{endpoint}` (kinds `openai`, `openai-compatible`, `azure-openai` and their catalog vendors): it never counts anything",
    help: "match the audio models with `match.models`, or use a unit that these models' requests use (`tokens`, `requests`, `usd`)",
  },
  "quota-token-option-unused": {
    code: "TG6416",
    severity: "warning",
    message: "quota `{quota}` sets `{option}`, which only affects token counting; this quota counts {unit}",
    help: "remove `{option}`",
  },
} as const satisfies Record<string, CodeDefinition>;
