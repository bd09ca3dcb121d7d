/**
 * The shared decision table: each case is run through the compiler's decision code
 * (compiler/decision/, used by explain, simulate and policy tests) and through the
 * runtime's (test/support/runtime-decisions.ts drives runtime/reliability/,
 * runtime/routing/ and runtime/stages/quotas/), and both must give `expect`.
 * A case where the runtime is believed wrong stays in the table with `knownDifference`
 * (why), and the test then checks that the two still differ, so a fix is noticed.
 */

/** Upstream behaviour shorthand: `ok`, `ok@1500` (answers after 1.5 s), `server@200`, `rate_limited/ra=2000`, `hang`. */
export type Behaviour = string;

export interface AttemptCase {
  readonly name: string;
  readonly policy: string;
  readonly model: string;
  /** The weighted pick, as `provider/model`; default: the first weighted target. */
  readonly first?: string;
  readonly stream?: boolean;
  /** The backoff draw (default 1: the longest backoff). */
  readonly random?: number;
  /** Per target (`provider/model`): the behaviour of its successive attempts; the last one repeats. Unlisted targets answer at once. */
  readonly upstreams: Readonly<Record<string, readonly Behaviour[]>>;
  /** The attempts (`role target outcome`, `;`-separated) and the result, as both sides must give them. */
  readonly expect: string;
  readonly knownDifference?: string;
}

const HEAD = `apiVersion: tollgate/v1
consumers:
  - { name: app, keys: [{ sha256: 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824 }] }
`;

const providers = (extra = ""): string => `providers:
  - { name: openai, kind: openai-compatible, baseUrl: "https://api.openai.com/v1", apiKeys: [env:OPENAI_KEY]${extra} }
  - { name: anthropic, kind: anthropic, baseUrl: "https://api.anthropic.com/v1", apiKeys: [env:ANTHROPIC_KEY] }
  - { name: vllm, kind: openai-compatible, baseUrl: "http://10.0.0.7:8000/v1", network: "private", timeouts: { total: 20s } }
`;

const chat = (settings: string, targets = "[{ provider: openai, model: gpt-4o-mini }]", fallbacks = "[{ provider: anthropic, model: claude-haiku }]"): string =>
  `${HEAD}${providers()}models:
  - name: chat
    targets: ${targets}
    fallbacks: ${fallbacks}
${settings}`;

export const ATTEMPT_CASES: readonly AttemptCase[] = [
  {
    name: "a server error moves to the next target",
    policy: chat(""),
    model: "chat",
    upstreams: { "openai/gpt-4o-mini": ["server@100"] },
    expect: "first openai/gpt-4o-mini server; next anthropic/claude-haiku answered => served by anthropic/claude-haiku",
  },
  {
    name: "two providers down: the request fails after both",
    policy: chat(""),
    model: "chat",
    upstreams: { "openai/gpt-4o-mini": ["server@100"], "anthropic/claude-haiku": ["overloaded@50"] },
    expect: "first openai/gpt-4o-mini server; next anthropic/claude-haiku overloaded => failed exhausted (overloaded)",
  },
  {
    name: "a fallback for context_too_long only is not tried after a server error",
    policy: chat("", undefined, "[{ provider: anthropic, model: claude-haiku, on: [context_too_long] }]"),
    model: "chat",
    upstreams: { "openai/gpt-4o-mini": ["server@100"] },
    expect: "first openai/gpt-4o-mini server => failed exhausted (server)",
  },
  {
    name: "a fallback for context_too_long is tried after context_too_long",
    policy: chat("", undefined, "[{ provider: anthropic, model: claude-haiku, on: [context_too_long] }]"),
    model: "chat",
    upstreams: { "openai/gpt-4o-mini": ["context_too_long@30"] },
    expect: "first openai/gpt-4o-mini context_too_long; next anthropic/claude-haiku answered => served by anthropic/claude-haiku",
  },
  {
    name: "a bad request is not retried anywhere",
    policy: chat(""),
    model: "chat",
    upstreams: { "openai/gpt-4o-mini": ["bad_request@10"] },
    expect: "first openai/gpt-4o-mini bad_request => failed not-retryable (bad_request)",
  },
  {
    name: "one retry of the same target, then the next target",
    policy: chat("    retry: { attempts: 1, backoff: { base: 100ms, max: 1s } }\n"),
    model: "chat",
    random: 0.5,
    upstreams: { "openai/gpt-4o-mini": ["server@100"] },
    expect: "first openai/gpt-4o-mini server; retry openai/gpt-4o-mini server; next anthropic/claude-haiku answered => served by anthropic/claude-haiku",
  },
  {
    name: "a retry-after beyond maxRetryAfter moves on at once",
    policy: chat("    retry: { attempts: 2, on: [rate_limited], maxRetryAfter: 1s }\n"),
    model: "chat",
    upstreams: { "openai/gpt-4o-mini": ["rate_limited@10/ra=5000"] },
    expect: "first openai/gpt-4o-mini rate_limited; next anthropic/claude-haiku answered => served by anthropic/claude-haiku",
  },
  {
    name: "a retry-after within maxRetryAfter is waited for",
    policy: chat("    retry: { attempts: 2, on: [rate_limited], maxRetryAfter: 10s }\n"),
    model: "chat",
    upstreams: { "openai/gpt-4o-mini": ["rate_limited@10/ra=5000", "ok@100"] },
    expect: "first openai/gpt-4o-mini rate_limited; retry openai/gpt-4o-mini answered => served by openai/gpt-4o-mini",
  },
  {
    name: "a rate-limited key moves to the provider's other key first",
    policy: `${HEAD}${providers().replace("apiKeys: [env:OPENAI_KEY]", "apiKeys: [env:OPENAI_KEY, env:OPENAI_KEY_2]")}models:
  - name: chat
    targets: [{ provider: openai, model: gpt-4o-mini }]
    fallbacks: [{ provider: anthropic, model: claude-haiku }]
`,
    model: "chat",
    upstreams: { "openai/gpt-4o-mini": ["rate_limited@10", "rate_limited@10"] },
    expect: "first openai/gpt-4o-mini rate_limited; another-key openai/gpt-4o-mini rate_limited; next anthropic/claude-haiku answered => served by anthropic/claude-haiku",
  },
  {
    name: "a key of weight 0 is not rotated to",
    policy: `${HEAD}${providers().replace("apiKeys: [env:OPENAI_KEY]", "apiKeys: [env:OPENAI_KEY, env:OPENAI_KEY_2], keyWeights: [1, 0]")}models:
  - name: chat
    targets: [{ provider: openai, model: gpt-4o-mini }]
    fallbacks: [{ provider: anthropic, model: claude-haiku }]
`,
    model: "chat",
    upstreams: { "openai/gpt-4o-mini": ["rate_limited@10"] },
    expect: "first openai/gpt-4o-mini rate_limited; next anthropic/claude-haiku answered => served by anthropic/claude-haiku",
  },
  {
    name: "the attempt budget ends the request",
    policy: chat("    maxAttempts: 2\n", undefined, "[{ provider: anthropic, model: claude-haiku }, { provider: vllm, model: llama }]"),
    model: "chat",
    upstreams: { "openai/gpt-4o-mini": ["server@10"], "anthropic/claude-haiku": ["server@10"] },
    expect: "first openai/gpt-4o-mini server; next anthropic/claude-haiku server => failed budget (server)",
  },
  {
    name: "a timeout longer than the deadline leaves no time for the fallback",
    policy: chat("    deadline: 30s\n").replace("apiKeys: [env:OPENAI_KEY] }", "apiKeys: [env:OPENAI_KEY], timeouts: { total: 60s } }"),
    model: "chat",
    upstreams: { "openai/gpt-4o-mini": ["hang"] },
    expect: "first openai/gpt-4o-mini timeout => failed deadline (timeout)",
  },
  {
    name: "the deadline serves the degraded answer when it names timeouts",
    policy: chat('    deadline: 30s\n    degraded: { status: 200, message: "busy", on: [timeout] }\n').replace(
      "apiKeys: [env:OPENAI_KEY] }",
      "apiKeys: [env:OPENAI_KEY], timeouts: { total: 60s } }",
    ),
    model: "chat",
    upstreams: { "openai/gpt-4o-mini": ["hang"] },
    expect: "first openai/gpt-4o-mini timeout => degraded 200 (timeout)",
  },
  {
    name: "two providers down: the degraded answer",
    policy: chat('    degraded: { status: 200, message: "The assistant is busy." }\n'),
    model: "chat",
    upstreams: { "openai/gpt-4o-mini": ["server@100"], "anthropic/claude-haiku": ["server@100"] },
    expect: "first openai/gpt-4o-mini server; next anthropic/claude-haiku server => degraded 200 (server)",
  },
  {
    name: "a degraded answer for other classes is not served",
    policy: chat('    degraded: { status: 503, message: "busy", on: [timeout] }\n'),
    model: "chat",
    upstreams: { "openai/gpt-4o-mini": ["server@100"], "anthropic/claude-haiku": ["server@100"] },
    // With reliability settings the budget defaults to the attempt order's length: it ends the request first.
    expect: "first openai/gpt-4o-mini server; next anthropic/claude-haiku server => failed budget (server)",
  },
  {
    name: "a hedge answers while the first attempt hangs",
    policy: chat("    hedge: { delay: 1s }\n"),
    model: "chat",
    upstreams: { "openai/gpt-4o-mini": ["hang"], "anthropic/claude-haiku": ["ok@300"] },
    expect: "first openai/gpt-4o-mini abandoned; hedge anthropic/claude-haiku answered => served by anthropic/claude-haiku",
  },
  {
    name: "the first attempt fails while the hedge runs: the hedge carries on",
    policy: chat("    hedge: { delay: 1s }\n"),
    model: "chat",
    upstreams: { "openai/gpt-4o-mini": ["server@1500"], "anthropic/claude-haiku": ["ok@2000"] },
    expect: "first openai/gpt-4o-mini server; hedge anthropic/claude-haiku answered => served by anthropic/claude-haiku",
  },
  {
    name: "the hedge fails first: the first attempt carries on",
    policy: chat("    hedge: { delay: 1s }\n"),
    model: "chat",
    upstreams: { "openai/gpt-4o-mini": ["ok@3000"], "anthropic/claude-haiku": ["server@100"] },
    expect: "first openai/gpt-4o-mini answered; hedge anthropic/claude-haiku server => served by openai/gpt-4o-mini",
  },
  {
    name: "no hedge when the first attempt answers before the delay",
    policy: chat("    hedge: { delay: 1s }\n"),
    model: "chat",
    upstreams: { "openai/gpt-4o-mini": ["ok@500"] },
    expect: "first openai/gpt-4o-mini answered => served by openai/gpt-4o-mini",
  },
  {
    name: "a late first token of a stream is a timeout that falls back",
    policy: chat("", undefined, "[{ provider: anthropic, model: claude-haiku }]").replace(
      "apiKeys: [env:OPENAI_KEY] }",
      "apiKeys: [env:OPENAI_KEY], timeouts: { firstToken: 2s } }",
    ),
    model: "chat",
    stream: true,
    upstreams: { "openai/gpt-4o-mini": ["ok@3000"] },
    expect: "first openai/gpt-4o-mini timeout; next anthropic/claude-haiku answered => served by anthropic/claude-haiku",
  },
  {
    name: "the weighted pick is skipped when the order reaches it",
    policy: chat("", "[{ provider: openai, model: gpt-4o-mini, weight: 1 }, { provider: vllm, model: llama, weight: 3 }]"),
    model: "chat",
    first: "openai/gpt-4o-mini",
    upstreams: { "openai/gpt-4o-mini": ["server@10"], "vllm/llama": ["timeout@100"] },
    expect: "first openai/gpt-4o-mini server; next vllm/llama timeout; next anthropic/claude-haiku answered => served by anthropic/claude-haiku",
  },
  {
    name: "a model fallback's attempt order, with its own conditions",
    policy: `${HEAD}${providers()}models:
  - name: chat
    targets: [{ provider: openai, model: gpt-4o-mini }]
    fallbacks: [{ model: long, on: [context_too_long] }, { provider: vllm, model: llama }]
  - name: long
    targets: [{ provider: anthropic, model: claude-long }]
`,
    model: "chat",
    upstreams: { "openai/gpt-4o-mini": ["context_too_long@10"], "anthropic/claude-long": ["server@10"] },
    expect: "first openai/gpt-4o-mini context_too_long; next anthropic/claude-long server; next vllm/llama answered => served by vllm/llama",
  },
];

/** One request of a quota sequence. */
export interface QuotaStep {
  readonly consumer: string;
  readonly model: string;
  /** Milliseconds after the sequence start. */
  readonly at: number;
  readonly maxTokens?: number;
  readonly prompt?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** What the request used when served; `failed`: every attempt failed. */
  readonly used?: { readonly input: number; readonly output: number; readonly provider: string } | "failed";
}

export interface QuotaCase {
  readonly name: string;
  readonly policy: string;
  readonly steps: readonly QuotaStep[];
  /** Per step: `admitted <model>` or `refused <status> <code> <quota>`, `;`-separated. */
  readonly expect: string;
  readonly knownDifference?: string;
}

const KEYS = {
  a: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
  b: "486ea46224d1bb4fb680f34f7c9ad96a8f24ec88be73ea8e5a6c65260e9cb8a7",
};

const quotaPolicy = (quotas: string): string => `apiVersion: tollgate/v1
providers:
  - { name: openai, kind: openai-compatible, baseUrl: "https://api.openai.com/v1", apiKeys: [env:OPENAI_KEY] }
models:
  - { name: big, targets: [{ provider: openai, model: gpt-4o }] }
  - { name: small, targets: [{ provider: openai, model: gpt-4o-mini }] }
consumers:
  - { name: a, team: red, keys: [{ sha256: ${KEYS.a} }] }
  - { name: b, team: blue, keys: [{ sha256: ${KEYS.b} }] }
quotas:
${quotas}`;

/** The API key of each consumer of the quota cases (their digests are in the policies). */
export const QUOTA_CASE_KEYS: Readonly<Record<string, string>> = { a: "hello", b: "world" };

export const QUOTA_CASES: readonly QuotaCase[] = [
  {
    name: "a request quota per consumer refuses the third request in a minute, then admits in the next minute",
    policy: quotaPolicy("  - { name: rpm, unit: requests, limit: 2, per: minute, scope: consumer }\n"),
    steps: [
      { consumer: "a", model: "big", at: 0 },
      { consumer: "a", model: "big", at: 1000 },
      { consumer: "a", model: "big", at: 2000 },
      { consumer: "b", model: "big", at: 3000 },
      { consumer: "a", model: "big", at: 61_000 },
    ],
    expect: "admitted big; admitted big; refused 429 rate_limit_exceeded rpm; admitted big; admitted big",
  },
  {
    name: "a spend quota downgrades to the cheaper model, then refuses when both are spent",
    policy: quotaPolicy(
      "  - { name: big-spend, unit: usd, limit: 0.05, per: day, match: { models: [big] }, action: { downgrade: small } }\n  - { name: all-spend, unit: usd, limit: 0.02, per: day, match: { models: [small] } }\n",
    ),
    steps: [
      { consumer: "a", model: "big", at: 0, maxTokens: 1000, used: { input: 100, output: 1000, provider: "openai" } },
      { consumer: "a", model: "big", at: 10, maxTokens: 3000, used: { input: 100, output: 3000, provider: "openai" } },
      { consumer: "a", model: "big", at: 20, maxTokens: 4000 },
      { consumer: "a", model: "big", at: 30, maxTokens: 40000 },
    ],
    expect: "admitted big; admitted big; admitted small; refused 429 insufficient_quota all-spend",
  },
  {
    name: "a token quota per team counts the reservation and settles to the real usage",
    policy: quotaPolicy("  - { name: team-tokens, limit: 3000, per: hour, scope: team, match: { teams: [red] } }\n"),
    steps: [
      { consumer: "a", model: "big", at: 0, maxTokens: 2000, used: { input: 10, output: 100, provider: "openai" } },
      { consumer: "a", model: "big", at: 10, maxTokens: 2000, used: "failed" },
      { consumer: "a", model: "big", at: 20, maxTokens: 2000 },
      { consumer: "a", model: "small", at: 30, maxTokens: 2000 },
      { consumer: "b", model: "big", at: 40, maxTokens: 20000 },
    ],
    expect: "admitted big; admitted big; admitted big; refused 429 rate_limit_exceeded team-tokens; admitted big",
  },
  {
    name: "a token bucket refills continuously",
    policy: quotaPolicy("  - { name: bucket, unit: requests, limit: 60, per: minute, burst: 2 }\n"),
    steps: [
      { consumer: "a", model: "big", at: 0 },
      { consumer: "b", model: "big", at: 10 },
      { consumer: "a", model: "big", at: 20 },
      { consumer: "a", model: "big", at: 1100 },
    ],
    expect: "admitted big; admitted big; refused 429 rate_limit_exceeded bucket; admitted big",
  },
  {
    name: "a header-scoped quota counts per header value and skips requests without it",
    policy: quotaPolicy("  - { name: tenant, unit: requests, limit: 1, per: hour, scope: header, header: X-Tenant }\n"),
    steps: [
      { consumer: "a", model: "big", at: 0, headers: { "x-tenant": "t1" } },
      { consumer: "a", model: "big", at: 1, headers: { "x-tenant": "t1" } },
      { consumer: "a", model: "big", at: 2, headers: { "x-tenant": "t2" } },
      { consumer: "a", model: "big", at: 3 },
    ],
    expect: "admitted big; refused 429 rate_limit_exceeded tenant; admitted big; admitted big",
  },
];

/** One request of a routing case: who sends it (an API key or none), the model name, headers, the last user message. */
export interface RoutingRequest {
  readonly key?: string;
  readonly model: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly text?: string;
  /** `401`, `404`, `403 <model>`, or `<route> -> <model>`. */
  readonly expect: string;
}

export interface RoutingCase {
  readonly name: string;
  readonly policy: string;
  readonly requests: readonly RoutingRequest[];
  readonly knownDifference?: string;
}

export const ROUTING_CASES: readonly RoutingCase[] = [
  {
    name: "authentication, exact names, globs, header conditions, consumer and content conditions, allow-lists",
    policy: `apiVersion: tollgate/v1
providers:
  - { name: vllm, kind: openai-compatible, baseUrl: "http://10.0.0.7:8000/v1", network: "private" }
  - { name: openai, kind: openai-compatible, baseUrl: "https://api.openai.com/v1", apiKeys: [env:OPENAI_KEY] }
classifiers:
  - { name: code, keywords: [refactor], patterns: ["\\\\b(?<kw>def)\\\\s+\\\\w+\\\\(", "\\\\b(?<kw>function)\\\\s+\\\\w+\\\\("] }
models:
  - { name: chat, targets: [{ provider: vllm, weight: 3 }, { provider: openai, model: gpt-4o-mini, weight: 1 }] }
  - { name: gpt-4o, targets: [{ provider: openai }] }
  - { name: coder, targets: [{ provider: openai, model: gpt-4.1 }] }
routes:
  - { name: minis, match: { model: "gpt-*-mini" }, model: chat }
  - { name: team-b, match: { model: team-b, headers: { x-team: { exact: b } } }, model: gpt-4o }
  - { name: code, match: { model: auto, classifier: code }, model: coder }
  - { name: a-auto, match: { model: auto, consumer: a }, model: gpt-4o }
  - { name: auto, match: { model: auto }, model: chat }
consumers:
  - { name: a, keys: [{ sha256: ${KEYS.a} }], models: [chat, coder, gpt-4o] }
  - { name: b, keys: [{ sha256: ${KEYS.b} }], models: [chat, coder] }
`,
    requests: [
      { model: "chat", expect: "401" },
      { key: "nope", model: "chat", expect: "401" },
      { key: "hello", model: "nothing", expect: "404" },
      { key: "hello", model: "chat", expect: "model:chat -> chat" },
      { key: "hello", model: "gpt-4o-mini", expect: "minis -> chat" },
      { key: "world", model: "gpt-4o", expect: "403 gpt-4o" },
      { key: "world", model: "team-b", headers: { "x-team": "b" }, expect: "403 gpt-4o" },
      { key: "hello", model: "team-b", headers: { "x-team": "b" }, expect: "team-b -> gpt-4o" },
      { key: "hello", model: "team-b", headers: { "x-team": "c" }, expect: "404" },
      { key: "world", model: "auto", text: "please refactor this", expect: "code -> coder" },
      { key: "world", model: "auto", text: "def f(x): return x", expect: "code -> coder" },
      { key: "world", model: "auto", text: "function g(y) { return y }", expect: "code -> coder" },
      { key: "hello", model: "auto", text: "hi", expect: "a-auto -> gpt-4o" },
      { key: "world", model: "auto", text: "hi", expect: "auto -> chat" },
      { key: "hello", model: "__proto__", expect: "404" },
    ],
  },
];
