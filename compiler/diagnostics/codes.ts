/**
 * The diagnostics table: every problem the compiler can report, in one place.
 *
 * Each entry is keyed by a kebab-case name (what passes call `ctx.report` with) and
 * carries the stable public code, the severity and a message template whose
 * `{placeholders}` are type-checked at every call site (see `MessageParams`).
 *
 * Code ranges: TG1xxx syntax and shape, TG2xxx references and duplicates,
 * TG3xxx analyses of the whole gateway (mostly warnings).
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
