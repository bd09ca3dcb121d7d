/** TG3xxx: analyses of the whole gateway (mostly warnings). Rows of the diagnostics table (see ../codes.ts). */
import type { CodeDefinition } from "../code-definition.js";

export const analysisCodes = {
  "zero-weights": {
    code: "TG3001",
    severity: "error",
    message: "model `{model}` has no target with a positive weight",
    help: "give at least one target a weight above 0; weight 0 keeps a target as a standby",
  },
  "weight-overflow": {
    code: "TG3005",
    severity: "error",
    message: "the target weights of model `{model}` add up to more than a number can hold",
    help: "weights are relative: scale them down (3 and 1 mean the same as 300 and 100)",
  },
  "fallback-already-tried": {
    code: "TG3002",
    severity: "warning",
    message: "fallback {target} of model `{model}` is already one of its targets, and every target is tried before the fallbacks",
    help: "remove this fallback; each target is attempted at most once",
  },
  "duplicate-fallback": { code: "TG3003", severity: "warning", message: "fallback {target} of model `{model}` is listed twice; it is tried once" },
  "duplicate-target": {
    code: "TG3004",
    severity: "warning",
    message: "target {target} of model `{model}` is listed twice; its weights add up",
    help: "merge the two entries into one target with the summed weight",
  },
  "unreachable-route": {
    code: "TG3010",
    severity: "warning",
    message: "{route} can never match: {earlier} comes first and matches every name it does",
  },
  "unreachable-model": {
    code: "TG3011",
    severity: "warning",
    message: "model `{model}` is unreachable: requests for `{model}` take {route}, and no other route leads to it",
    help: "add an exact route for `{model}` before {route}, or remove the model",
  },
  "model-name-shadowed": {
    code: "TG3012",
    severity: "warning",
    message: "requests for `{model}` take {route} to model `{other}`, not to model `{model}`",
    help: "add an exact route for `{model}` before {route} if clients should reach model `{model}` by its name",
  },
  "unused-provider": { code: "TG3020", severity: "warning", message: "provider `{provider}` is not used by any model" },
  "key-in-cleartext": {
    code: "TG3021",
    severity: "warning",
    message: "provider `{provider}` sends its API keys over plain http to `{host}`",
    help: "use https:, or drop `apiKeys` if the server needs none",
  },
  "upstream-address-forbidden": {
    code: "TG3023",
    severity: "error",
    message: "{what} points at `{host}`, {kind}: the gateway never connects there",
    help: "write the model server's own address; link-local, metadata, unspecified, multicast and reserved addresses are never one (decimal, octal, hex and IPv4-mapped spellings included)",
  },
  "upstream-address-private": {
    code: "TG3024",
    severity: "error",
    message: "{what} points at the private address `{host}`, which provider `{provider}` may not reach",
    help: "if it is your self-hosted server on a private network, mark the {owner} `network: private`",
  },
  "upstream-name-internal": {
    code: "TG3025",
    severity: "warning",
    message: "{what} names `{host}`, which looks like a private-network name; if it resolves to a private address, the gateway refuses to connect",
    help: "mark the {owner} `network: private` if it is your self-hosted server, or use its public name",
  },
  "timeout-order": {
    code: "TG3022",
    severity: "warning",
    message: "`timeouts.{which}` of provider `{provider}` ({ms} ms) is not shorter than `timeouts.total` ({total} ms), so it never fires",
  },
  "no-consumers": {
    code: "TG3030",
    severity: "warning",
    message: "no consumers are defined: every request will get 401",
    help: "add a `consumers:` entry with the SHA-256 of an API key (`tollgate hash-key <key>`)",
  },
  "consumer-allowed-nothing": {
    code: "TG3032",
    severity: "warning",
    message: "consumer `{consumer}` is allowed no model: its `models` list is empty",
    help: "list the models it may use, or remove `models` to allow all of them",
  },
  "hmac-key-without-secret": {
    code: "TG3033",
    severity: "error",
    message: "consumer `{consumer}` has a keyed (`hmac`) key digest, but `listener.apiKeys.hmacSecret` is not set, so no key could match it",
    help: "set `listener.apiKeys.hmacSecret` (e.g. `env:TOLLGATE_KEY_SECRET`) to the secret the digests were made with",
  },
  "key-expired": {
    code: "TG3034",
    severity: "warning",
    message: "an API key of consumer `{consumer}` expired at {expiresAt}: requests with it get 401 `api_key_expired`",
    help: "give the consumer a new key and remove this entry",
  },
  "key-expiring": {
    code: "TG3035",
    severity: "warning",
    message: "an API key of consumer `{consumer}` expires at {expiresAt}, within {window}",
    help: "give the consumer a new key before then (both can be listed while clients move over)",
  },
  "unkeyed-key-digest": {
    code: "TG3036",
    severity: "warning",
    message: "consumer `{consumer}` lists an unkeyed `sha256` key digest although keyed digests are configured",
    help: "`tollgate hash-key --hmac --from-sha256 <digest>` gives its `hmac` form (with the secret in TOLLGATE_KEY_SECRET); the key itself keeps working",
  },
  "no-models": { code: "TG3031", severity: "warning", message: "no models are defined: every request will get 404" },
  // TG31xx: fallback graph and worst cases.
  "fallback-cycle": {
    code: "TG3100",
    severity: "error",
    message: "model `{model}` falls back to itself: {cycle}",
    help: "remove one fallback of the cycle; every model needs a finite attempt order",
  },
  "fallback-adds-nothing": {
    code: "TG3101",
    severity: "warning",
    message: "the fallback to model `{target}` adds no attempt to model `{model}`: every target of `{target}` is already tried before it",
    help: "remove this fallback; each target is attempted at most once",
  },
  "latency-ceiling": {
    code: "TG3110",
    severity: "error",
    message: "a request to model `{model}` can take {worst} in the worst case ({attempts}), more than `maxWorstCaseLatency` {limit}",
    help: "shorten `timeouts.total` of the providers on its path, drop fallbacks, or raise the ceiling",
  },
  "cost-ceiling": {
    code: "TG3111",
    severity: "error",
    message: "a request to model `{model}` can cost {worst} in the worst case ({attempts} billed at {tokens}), more than `maxWorstCaseCost` {limit}",
    help: "drop or reorder expensive fallbacks, lower `assumedTokens` if requests are smaller, or raise the ceiling",
  },
  "cost-unknown": {
    code: "TG3112",
    severity: "error",
    message: "`maxWorstCaseCost` of model `{model}` cannot be checked: {target} has no price",
    help: "give that target a `price` with `input` and `output` in USD per 1M tokens (0 and 0 for a self-hosted model)",
  },
  // TG312x: compliance reachability.
  "constraint-violated": {
    code: "TG3120",
    severity: "error",
    message: "constraint `{constraint}`: consumer `{consumer}`{others} can reach provider `{provider}`, which lacks {missing}: {path}",
    help: "tag provider `{provider}` with {missing} if it complies, or take it off this path",
  },
  "constraint-requires-nothing": {
    code: "TG3121",
    severity: "warning",
    message: "constraint `{constraint}` requires no provider tag, so it can never be violated",
    help: "list the tags every reachable provider must carry under `providers.tags`",
  },
  // TG313x: regular expressions.
  "regex-invalid": { code: "TG3130", severity: "error", message: "{what} is not a valid regular expression: {reason}" },
  "regex-not-linear": {
    code: "TG3133",
    severity: "error",
    message: "{what} cannot run in linear time: {reason}{where}",
    help: "{fix}",
  },
  "regex-anchor-alternation": {
    code: "TG3134",
    severity: "warning",
    message: "in {what}, `|` binds looser than `^` and `$`: `{source}` anchors only its first and last alternatives",
    help: "write `{fixed}` to anchor every alternative",
  },
  // TG314x: options that would be silently ignored, and contradictions.
  "optional-without-keys": {
    code: "TG3140",
    severity: "warning",
    message: "`optional` of provider `{provider}` has no effect: it has no `apiKeys` that could be unset",
    help: "remove `optional: true`, or add the provider's `apiKeys`",
  },
  "weight-of-only-target": {
    code: "TG3141",
    severity: "warning",
    message: "`weight` of the only target of model `{model}` has no effect",
    help: "remove it; weights divide traffic between several targets",
  },
  "allow-list-star-and-names": {
    code: "TG3142",
    severity: "warning",
    message: "consumer `{consumer}` allows `*`, so the other names in its `models` list have no effect",
    help: "keep `*` alone to allow every model, or remove it to allow only the names listed",
  },
  "header-exact-and-regex": {
    code: "TG3143",
    severity: "warning",
    message: "header `{header}` has both `exact` and `regex`; the regex matches the exact value, so it has no effect",
    help: "keep only `exact`",
  },
  "header-never-matches": {
    code: "TG3144",
    severity: "warning",
    message: "{route} can never match: header `{header}` {reason}",
  },
  "price-on-model-fallback": {
    code: "TG3145",
    severity: "warning",
    message: "`price` of the fallback to model `{model}` has no effect: the prices of that model's own targets apply",
    help: "remove `price` here, or set it on the targets of model `{model}`",
  },
  "header-matches-credential": {
    code: "TG3146",
    severity: "error",
    message: "{what} tests the value of a credential header: the policy would hold a secret",
    help: "route on another header (e.g. `x-team`) or use `present`; consumers are told apart by their API keys. If this was a real credential, rotate it now",
    redact: true,
  },
  // TG315x: dead config.
  "unused-secret": {
    code: "TG3150",
    severity: "warning",
    message: "secret `{name}` is declared but nothing refers to `env:{name}`",
    help: "remove the declaration, or refer to it",
  },
  "unused-model": { code: "TG3151", severity: "warning", message: "model `{model}` can never serve a request: {reason}" },
  "idle-constraint": {
    code: "TG3152",
    severity: "warning",
    message: "constraint `{constraint}` binds no consumer: none carries {tags}",
    help: "tag the consumers it is meant for, or fix `consumers.tags`",
  },
  "consumer-model-unreachable": {
    code: "TG3153",
    severity: "warning",
    message: "consumer `{consumer}` may use model `{model}`, but no route leads to it",
    help: "add a route to model `{model}` before {route}, or remove it from the list",
  },
  // TG316x: routes with header conditions.
  "unreachable-header-route": {
    code: "TG3160",
    severity: "warning",
    message: "{route} can never match: {earlier} comes first and matches every request it does",
    help: "move it above {earlier}, or make its conditions narrower",
  },
} as const satisfies Record<string, CodeDefinition>;
