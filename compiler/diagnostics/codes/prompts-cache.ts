/**
 * TG66xx: templates, decorators, response caches, conversation memory and stores.
 * Rows of the diagnostics table (see ../codes.ts).
 */
import type { CodeDefinition } from "../code-definition.js";

export const promptsCacheCodes = {
  "template-undeclared-variable": {
    code: "TG6601",
    severity: "error",
    message: "template `{template}` uses variable `{variable}`, which is not declared in its `variables`",
    help: "declare it under the template's `variables` with a `type`, or fix the name",
  },
  "template-unused-variable": {
    code: "TG6602",
    severity: "error",
    message: "template `{template}` declares variable `{variable}`, which no message uses",
    help: "use it in a message as a placeholder, or remove the declaration",
  },
  "template-bad-placeholder": {
    code: "TG6603",
    severity: "error",
    message: "template `{template}`: a double brace starts a placeholder, but what follows is not a variable name closed by a double brace",
    help: "write a placeholder as a variable name between double braces; escape a literal double brace with a backslash before it",
  },
  "template-bad-default": {
    code: "TG6604",
    severity: "error",
    message: "the default of variable `{variable}` of template `{template}` is not a valid {type}: {reason}",
  },
  "unknown-template": {
    code: "TG6605",
    severity: "error",
    message: "{what} accepts unknown template `{name}`",
  },
  "redis-store-missing": {
    code: "TG6606",
    severity: "error",
    message: "{what} is `redis`, but the policy configures no `stores.redis`",
    help: "configure the Redis server under `stores.redis` (its `url` as a secret reference), or use `store: memory` (in-process)",
  },
  "template-variable-option": {
    code: "TG6607",
    severity: "error",
    message: "variable `{variable}` of template `{template}` ({type}) cannot have `{option}`",
    help: "`maxLength` is for strings, `min`/`max` for integers and numbers, `values` for enums",
  },
  "template-enum-without-values": {
    code: "TG6608",
    severity: "error",
    message: "enum variable `{variable}` of template `{template}` needs `values`",
  },
  "template-min-above-max": {
    code: "TG6609",
    severity: "error",
    message: "variable `{variable}` of template `{template}` has `min` {min} above `max` {max}, so no value is accepted",
  },
  "semantic-threshold-low": {
    code: "TG6610",
    severity: "warning",
    message: "a semantic cache threshold of {threshold} will serve answers to questions that only look alike",
    help: "paraphrases of one question usually score above 0.9; measure on your traffic before going below",
  },
  "semantic-cache-without-temperature-bound": {
    code: "TG6611",
    severity: "warning",
    message: "`maxTemperature: {value}` lets the semantic cache serve one sampled answer to every similar question",
    help: "keep the semantic cache to deterministic requests (`maxTemperature: 0`) unless answers may repeat",
  },
  "template-required-with-default": {
    code: "TG6612",
    severity: "error",
    message: "variable `{variable}` of template `{template}` is `required: true` and has a `default`, which would never be used",
    help: "drop `required: true` (a variable with a default is optional) or the default",
  },
  "semantic-embedding-unsupported": {
    code: "TG6613",
    severity: "error",
    message: "the semantic cache embeds with provider `{provider}`, whose protocol ({adapter}) offers no embeddings",
    help: "name a provider of kind `openai` (or another OpenAI-compatible kind), `azure-openai`, `bedrock`, `gemini` or `vertex` in `embedding.provider`",
  },
} as const satisfies Record<string, CodeDefinition>;
