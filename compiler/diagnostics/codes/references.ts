/** TG2xxx: references and duplicates. Rows of the diagnostics table (see ../codes.ts). */
import type { CodeDefinition } from "../code-definition.js";

export const referenceCodes = {
  "unknown-provider": { code: "TG2001", severity: "error", message: "{what} refers to unknown provider `{name}`" },
  "unknown-route-model": { code: "TG2002", severity: "error", message: "{what} sends traffic to unknown model `{name}`" },
  "unknown-consumer-model": { code: "TG2003", severity: "error", message: "consumer `{consumer}` allows unknown model `{name}`" },
  "duplicate-name": { code: "TG2004", severity: "error", message: "{kind} `{name}` is defined more than once" },
  "duplicate-listener": {
    code: "TG2005",
    severity: "error",
    message: "`listener` is set in more than one document",
    help: "keep one `listener` block for the whole gateway",
  },
  "duplicate-consumer-key": {
    code: "TG2006",
    severity: "error",
    message: "this key digest is already used by consumer `{other}`",
    help: "a key identifies exactly one consumer; give each consumer its own key",
  },
  // TG21xx: names used by policy tests.
  "test-unknown-name": {
    code: "TG2101",
    severity: "error",
    message: "test `{test}` names unknown {kind} `{name}`",
  },
  // TG22xx: references added with the static analyses (fallback models, headers, secrets).
  "duplicate-limits": {
    code: "TG2201",
    severity: "error",
    message: "`limits` is set in more than one document",
    help: "keep one gateway-wide `limits` block; a model's own ceilings go in that model's `limits`",
  },
  "unknown-fallback-model": { code: "TG2202", severity: "error", message: "{what} falls back to unknown model `{name}`" },
  "fallback-without-target": {
    code: "TG2203",
    severity: "error",
    message: "{what} names neither a provider nor a model",
    help: "write `provider: <name>` (and the upstream `model` if it differs), or `model: <public model>` alone to fall back to another model",
  },
  "duplicate-header-matcher": {
    code: "TG2204",
    severity: "error",
    message: "header `{header}` is matched twice in this route (header names ignore case)",
    help: "merge the two conditions into one entry",
  },
  "undeclared-secret": {
    code: "TG2205",
    severity: "error",
    message: "{what} refers to `env:{name}`, which is not declared in `secrets`",
    help: "add `- name: {name}` to `secrets`, or fix the reference",
  },
} as const satisfies Record<string, CodeDefinition>;
