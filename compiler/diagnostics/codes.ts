/**
 * The diagnostics table: every problem the compiler can report, in one place.
 *
 * Each entry is keyed by a kebab-case name (what passes call `ctx.report` with) and
 * carries the stable public code, the severity and a message template whose
 * `{placeholders}` are type-checked at every call site (see `MessageParams`).
 *
 * Code ranges: TG1xxx syntax and shape (TG11xx: TypeScript policies), TG2xxx
 * references and duplicates, TG3xxx analyses of the whole gateway (mostly warnings),
 * TG4xxx policy tests.
 *
 * `redact: true` marks codes whose source span may hold a secret: renderers mask
 * that span in every code frame of the file, and the message never quotes it.
 */

/** How serious a diagnostic is: errors block the plan, warnings do not (unless --strict). */
export type Severity = "error" | "warning";

/** One row of the table. */
export interface CodeDefinition {
  readonly code: `TG${number}`;
  readonly severity: Severity;
  readonly message: string;
  /** A help line shown as `= help: …` unless the report gives its own suggestion. */
  readonly help?: string;
  readonly redact?: boolean;
}

/** The table. Add a row here before reporting a new kind of problem. */
export const diagnosticCodes = {
  // ── TG1xxx: syntax and shape ─────────────────────────────────────────────
  "yaml-syntax": { code: "TG1001", severity: "error", message: "YAML syntax error: {detail}" },
  "duplicate-key": {
    code: "TG1002",
    severity: "error",
    message: "duplicate key `{key}` in this mapping",
    help: "a YAML mapping takes each key once; remove or rename one of them",
  },
  "file-too-large": { code: "TG1003", severity: "error", message: "policy file is larger than {limit} bytes" },
  "alias-limit": {
    code: "TG1004",
    severity: "error",
    message: "YAML aliases expand to more than {limit} nodes; refusing to expand them",
    help: "aliases that reference aliases grow exponentially; write the values out or use fewer aliases",
  },
  "unresolved-alias": { code: "TG1005", severity: "error", message: "alias `*{name}` has no anchor `&{name}` before it" },
  "complex-key": { code: "TG1006", severity: "error", message: "mapping keys must be plain strings, not {found}" },
  "yaml-warning": { code: "TG1007", severity: "warning", message: "YAML: {detail}" },
  "unsupported-api-version": {
    code: "TG1010",
    severity: "error",
    message: "unsupported apiVersion `{found}`; this compiler reads `{supported}`",
    help: "set `apiVersion: {supported}`",
  },
  "unknown-field": { code: "TG1011", severity: "error", message: "unknown field `{field}` in {where}" },
  "wrong-type": { code: "TG1012", severity: "error", message: "{what} must be {expected}, not {actual}" },
  "missing-field": { code: "TG1013", severity: "error", message: "{where} is missing required field `{field}`" },
  "invalid-value": { code: "TG1014", severity: "error", message: "invalid {what}: {reason}" },
  "out-of-range": { code: "TG1015", severity: "error", message: "{what} {reason}" },
  "not-one-of": { code: "TG1016", severity: "error", message: "{what} is `{found}`; expected {allowed}" },
  "literal-secret": {
    code: "TG1020",
    severity: "error",
    message: "{what} looks like a secret value; secrets must be references, never values",
    help: "write `env:NAME` or `file:/path/to/secret` instead; if this was a real key, rotate it now",
    redact: true,
  },
  "literal-consumer-key": {
    code: "TG1021",
    severity: "error",
    message: "{what} is a plain key; consumer keys are stored as their SHA-256 digest",
    help: "write `- sha256: <digest>` (`tollgate hash-key <key>` prints it); if this was a real key, rotate it now",
    redact: true,
  },
  "bad-key-hash": {
    code: "TG1022",
    severity: "error",
    message: "{what} is not a SHA-256 digest (64 hex digits)",
    help: "`tollgate hash-key <key>` prints the digest; if you pasted the key itself, rotate it now",
    redact: true,
  },
  "bad-duration": { code: "TG1030", severity: "error", message: "{what} is not a valid duration: {reason}" },
  "bad-size": { code: "TG1031", severity: "error", message: "{what} is not a valid size: {reason}" },
  "bad-base-url": { code: "TG1040", severity: "error", message: "`baseUrl` of provider `{provider}` {reason}" },
  "url-credentials": {
    code: "TG1041",
    severity: "error",
    message: "{what} is a URL with credentials in it (`user:password@`)",
    help: "remove them from the URL and use `apiKeys: [env:NAME]`; if they were real, rotate them now",
    redact: true,
  },
  "reserved-name": { code: "TG1050", severity: "error", message: "{what} `{name}` is reserved: {reason}" },

  // TG11xx: TypeScript policies (type check, hermetic evaluation).
  "ts-diagnostic": { code: "TG1101", severity: "error", message: "TS{tsCode}: {detail}" },
  "ts-forbidden-import": {
    code: "TG1102",
    severity: "error",
    message: "a policy module may import only `tollgate` and other policy files, not {specifier}",
    help: "policies are evaluated without file system, network, process or timers; a secret is an `env:NAME` reference, resolved by the runtime",
  },
  "ts-unresolved-import": {
    code: "TG1103",
    severity: "error",
    message: "`{specifier}` is not a policy file given to the compiler",
    help: "a relative import must name a `.ts` policy file (not `.d.ts` or `.test.ts`) that is compiled with this one",
  },
  "ts-host-global": {
    code: "TG1104",
    severity: "error",
    message: "`{name}` does not exist in a policy module",
    help: "policies are evaluated without process, file system, network, timers or console, so that the same policy always compiles to the same plan; a secret is an `env:NAME` reference, resolved by the runtime",
  },
  "ts-threw": { code: "TG1105", severity: "error", message: "evaluating the policy module threw {detail}" },
  "ts-timeout": {
    code: "TG1106",
    severity: "error",
    message: "evaluating the policy module took longer than {ms} ms and was stopped",
    help: "a policy module must finish promptly: look for an endless loop",
  },
  "ts-not-data": {
    code: "TG1107",
    severity: "error",
    message: "{what} is {found}; a policy holds only objects, arrays, strings, finite numbers, booleans and null",
  },
  "ts-too-large": { code: "TG1108", severity: "error", message: "the policy exported by this module is larger than {limit} bytes as JSON" },

  // ── TG2xxx: references and duplicates ────────────────────────────────────
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

  // ── TG3xxx: analyses ─────────────────────────────────────────────────────
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
  "no-models": { code: "TG3031", severity: "warning", message: "no models are defined: every request will get 404" },

  // ── TG4xxx: policy tests ─────────────────────────────────────────────────
  "test-failed": { code: "TG4001", severity: "error", message: "test `{test}` failed: {reason}" },
  "test-file-content": {
    code: "TG4002",
    severity: "error",
    message: "a `*.policy-test.yaml` file holds only `tests`, not `{field}`",
    help: "move `{field}` to a policy file; test files are compiled with the policy but only add tests",
  },
  "test-duplicate-name": { code: "TG4003", severity: "error", message: "test `{test}` is defined more than once" },
  "test-key-and-consumer": {
    code: "TG4004",
    severity: "error",
    message: "test `{test}` gives both `consumer` and `key`",
    help: "give one: `consumer` sends one of its keys, `key` sends a key by its digest",
  },
  "test-expects-nothing": {
    code: "TG4005",
    severity: "error",
    message: "test `{test}` expects nothing",
    help: "add `route`, `model`, `target` or `reject` under `expect`",
  },
  "test-reject-and-route": {
    code: "TG4006",
    severity: "error",
    message: "test `{test}` expects a rejection and also a {field}; a rejected request has none",
  },

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
  "regex-exponential": {
    code: "TG3131",
    severity: "error",
    message: "{what} can backtrack exponentially: {hotspot} can match the same characters in many ways, so a value like `{attack}` takes ~2^n steps",
    help: "let each character be matched in only one way, e.g. `(a+)+` → `a+`, `(a|ab)*` → `(ab?)*`, `(\\w|\\d)*` → `\\w*`",
  },
  "regex-polynomial": {
    code: "TG3132",
    severity: "error",
    message: "{what} backtracks in {degree} time: {hotspot} can match the same run of characters, so a value like `{attack}` takes ~n^{power} steps",
    help: "make those parts unable to match the same characters{extra}",
  },
  "regex-unprovable": {
    code: "TG3133",
    severity: "error",
    message: "{what} cannot be proven free of catastrophic backtracking: {reason}",
    help: "simplify it; back-references and look-around are not supported in policy regexes",
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
  // ── TG50xx: operations (shutdown, admin, metrics, audit) ─────────────────
  "audit-file-needs-path": {
    code: "TG5001",
    severity: "error",
    message: "the audit sink is `file` but no `path` is given",
    help: "add `path: /var/log/tollgate/audit.jsonl`, or use `sink: stdout`",
  },
} as const satisfies Record<string, CodeDefinition>;

/** The kebab-case name of a diagnostic. */
export type CodeName = keyof typeof diagnosticCodes;

/** The `{placeholder}` names of a message template, as a union of string literals. */
type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never;

/** The parameters a code's message and help templates need, checked at compile time. */
export type MessageParams<K extends CodeName> = {
  readonly [P in
    | Placeholders<(typeof diagnosticCodes)[K]["message"]>
    | Placeholders<HelpOf<K>>]: string | number;
};
type HelpOf<K extends CodeName> = (typeof diagnosticCodes)[K] extends { readonly help: infer H extends string } ? H : "";

/** Fills `{name}` placeholders; an unknown placeholder is a programmer error. */
export function fillTemplate(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (_match, key: string) => {
    const value = params[key];
    if (value === undefined) throw new Error(`diagnostic template parameter {${key}} missing in "${template}"`);
    return String(value);
  });
}

const byPublicCode = new Map<string, CodeDefinition>(
  Object.values(diagnosticCodes).map((definition) => [definition.code, definition]),
);

/** The table row for a public code such as "TG2001", or undefined for codes this compiler does not emit. */
export function definitionOf(code: string): CodeDefinition | undefined {
  return byPublicCode.get(code);
}
