/**
 * The error table: every error the gateway itself answers, in one place, the way the
 * compiler's diagnostics are one table (compiler/diagnostics/codes.ts).
 *
 * Each row is keyed by a kebab-case name (what the code calls `gatewayError` with) and
 * carries the OpenAI `error.code` sent on the wire, the HTTP status, the OpenAI error
 * `type`, a message template whose `{placeholders}` are type-checked at every call
 * site, and `doc`: when the gateway answers it and what the client can do (the text of
 * docs/reference/errors.md, generated from this table). Several rows may share a wire
 * code (clients branch on the code; the row says which situation it was).
 *
 * Messages are ours: upstream payloads and secrets never appear in them. Values the
 * client sent (model names, paths) are cut to 200 characters by `gatewayError`.
 */

/** The OpenAI error types the gateway uses. */
export type ErrorType = "invalid_request_error" | "rate_limit_error" | "insufficient_quota" | "server_error";

/** One row of the table. */
export interface ErrorDefinition {
  /** The OpenAI `error.code` on the wire. */
  readonly code: string;
  /** The HTTP status; `null` when the plan decides it (the degraded answer). */
  readonly status: number | null;
  readonly type: ErrorType;
  /** The message template; `{name}` placeholders are filled from the call's parameters. */
  readonly message: string;
  /** The request field at fault, when it is always the same one. */
  readonly param?: string;
  /** Seconds sent as `retry-after` unless the call gives its own. */
  readonly retryAfter?: number;
  /** For people: when the gateway answers this, and what to do about it. */
  readonly doc: string;
}

export const ERROR_TABLE = {
  // The request itself.
  "invalid-json": { code: "invalid_json", status: 400, type: "invalid_request_error", message: "request body is not valid JSON", doc: "The body could not be parsed as JSON." },
  "json-too-deep": {
    code: "json_too_deep",
    status: 400,
    type: "invalid_request_error",
    message: "request JSON is nested deeper than the limit of {limit} levels",
    doc: "The body nests objects or arrays deeper than `listener.maxJsonDepth`; it is refused before it is parsed.",
  },
  "body-too-large": {
    code: "request_too_large",
    status: 413,
    type: "invalid_request_error",
    message: "request body is larger than the limit of {limit} bytes",
    doc: "The body is larger than `listener.maxBodyBytes`. The connection is closed after the answer.",
  },
  "too-many-headers": {
    code: "headers_too_large",
    status: 431,
    type: "invalid_request_error",
    message: "request carries more than {limit} header fields",
    doc: "The request has more header fields than the listener accepts (100; a header block over 16 KiB is refused the same way, before the gateway sees it). The connection is closed after the answer.",
  },
  "audio-too-large": {
    code: "request_too_large",
    status: 413,
    type: "invalid_request_error",
    message: "audio upload is larger than the limit of {limit} bytes",
    doc: "A transcription upload is larger than `listener.maxAudioBytes`. The connection is closed after the answer.",
  },
  "invalid-request": {
    code: "invalid_request",
    status: 400,
    type: "invalid_request_error",
    message: "{reason}",
    doc: "A field the gateway needs is missing or has the wrong type (`model`, `messages`, `stream`, `input`, a form field); the message names it and `param` points at it.",
  },
  "no-templates": {
    code: "invalid_request",
    status: 400,
    type: "invalid_request_error",
    message: "this gateway has no prompt templates",
    param: "template",
    doc: "The request names a prompt template, but the plan defines none.",
  },
  "invalid-session-id": {
    code: "invalid_request",
    status: 400,
    type: "invalid_request_error",
    message: "`{header}` must be 1 to 128 letters, digits or . _ : -",
    doc: "The conversation-memory session header holds characters the gateway does not accept.",
  },
  // Who is asking, and for what.
  "missing-api-key": {
    code: "invalid_api_key",
    status: 401,
    type: "invalid_request_error",
    message: "missing API key: send `Authorization: Bearer <key>`{alternative}",
    doc: "No API key was sent. `/v1/messages` also accepts `x-api-key`.",
  },
  "invalid-api-key": { code: "invalid_api_key", status: 401, type: "invalid_request_error", message: "invalid API key", doc: "The key matches no consumer of the plan." },
  "api-key-expired": {
    code: "api_key_expired",
    status: 401,
    type: "invalid_request_error",
    message: "this API key expired at {expiredAt}; ask for a new one",
    doc: "The key belongs to a consumer, but its `expiresAt` has passed. `tollgate check` warns before it does (TG3035) and after (TG3034).",
  },
  "invalid-admin-token": {
    code: "invalid_api_key",
    status: 401,
    type: "invalid_request_error",
    message: "missing or invalid admin token",
    doc: "The admin listener needs its bearer token on every request but the dashboard page itself.",
  },
  "model-not-found": {
    code: "model_not_found",
    status: 404,
    type: "invalid_request_error",
    message: "the model `{model}` does not exist or you do not have access to it",
    param: "model",
    doc: "No route matches the requested model name (or, for `GET /v1/models/{id}`, the consumer may not see it).",
  },
  "model-not-allowed": {
    code: "model_not_allowed",
    status: 403,
    type: "invalid_request_error",
    message: "this API key may not use the model `{model}`",
    param: "model",
    doc: "The route exists, but the consumer's allow-list does not include its model.",
  },
  "responses-not-stored": {
    code: "responses_not_stored",
    status: 400,
    type: "invalid_request_error",
    message: "this gateway does not store responses: send the conversation in `input` (with `store: false`), or ask the provider that stored it",
    doc: "`GET`, `DELETE` or `POST …/cancel` on `/v1/responses/{id}`: stored responses live at the provider (for requests passed through to OpenAI or Azure OpenAI), not in the gateway, which cannot tell which provider holds one.",
  },
  "not-found": { code: "not_found", status: 404, type: "invalid_request_error", message: "no such endpoint: {method} {path}", doc: "The path is not an endpoint of the gateway." },
  "admin-not-found": {
    code: "not_found",
    status: 404,
    type: "invalid_request_error",
    message: "no such admin endpoint: {method} {path}",
    doc: "The path is not an admin endpoint.",
  },
  "method-not-allowed": {
    code: "method_not_allowed",
    status: 405,
    type: "invalid_request_error",
    message: "{method} is not allowed on {path}",
    doc: "The endpoint exists but not for this method.",
  },
  "no-plan-file": {
    code: "invalid_request",
    status: 400,
    type: "invalid_request_error",
    message: "this gateway was not started with --plan <file>: there is no file to reload",
    doc: "`POST /admin/reload` on a gateway started from a policy or an embedded plan.",
  },
  // Stages: guardrails, quotas.
  "blocked-input": {
    code: "content_blocked",
    status: 400,
    type: "invalid_request_error",
    message: "the request was blocked by guardrail `{rule}`: {finding}",
    doc: "An input guardrail with action `block` found something in the request (a PII kind, a denied term or pattern, a likely prompt injection, too many tokens). The message names the rule and the kind of finding, never the text.",
  },
  "blocked-by-moderation": {
    code: "content_blocked",
    status: 400,
    type: "invalid_request_error",
    message: "the request was blocked by guardrail `{rule}`: the moderation check flagged it{categories}",
    param: "messages",
    doc: "The external moderation check flagged the prompt and the guardrail blocks flagged prompts.",
  },
  "blocked-output": {
    code: "content_blocked",
    status: 400,
    type: "invalid_request_error",
    message: "the response was blocked by guardrail `{rule}`: it contains {finding}",
    doc: "An output guardrail with action `block` found something in the answer. Before the first byte it is this response; in a stream that already started, it is the last event (no `[DONE]`).",
  },
  "blocked-output-by-moderation": {
    code: "content_blocked",
    status: 400,
    type: "invalid_request_error",
    message: "the response was blocked by guardrail `{rule}`: the moderation check flagged it{categories}",
    doc: "The external moderation check of answers (`guardrails[].output.moderation`) flagged the answer, or a window of a streamed answer, and the guardrail blocks. Before the first byte it is this response; in a stream it is the last event (no `[DONE]`), and nothing of the flagged window was sent.",
  },
  "moderation-unavailable": {
    code: "moderation_unavailable",
    status: 503,
    type: "server_error",
    message: "guardrail `{rule}` requires a moderation check, which failed ({outcome}); try again later",
    retryAfter: 5,
    doc: "The moderation endpoint failed or timed out and the guardrail fails closed (`onError: closed`).",
  },
  "quota-exhausted": {
    code: "rate_limit_exceeded",
    status: 429,
    type: "rate_limit_error",
    message: "quota `{quota}` is exhausted: {limit} {unit} per {per}{burst}; this request needs {needed}, {left} left. Retry after {retry}s.",
    doc: "A request, token, audio or character quota has not enough left for this request. `retry-after` (seconds), `retry-after-ms` and the `x-ratelimit-*` headers say when it will.",
  },
  "budget-exhausted": {
    code: "insufficient_quota",
    status: 429,
    type: "insufficient_quota",
    message: "quota `{quota}` is exhausted: {limit} {unit} per {per}{burst}; this request needs {needed}, {left} left. Retry after {retry}s.",
    doc: "A spend (`usd`) budget has not enough left for this request's reservation at the dearest target's price.",
  },
  "quota-store-unavailable": {
    code: "quota_store_unavailable",
    status: 503,
    type: "server_error",
    message: "quota `{quota}` cannot be checked right now (its store is unavailable)",
    retryAfter: 1,
    doc: "The store of a fail-closed quota (Redis for `consistency: shared`) did not answer.",
  },
  // Upstreams.
  "no-upstream-available": {
    code: "no_upstream_available",
    status: 503,
    type: "server_error",
    message: "the model `{model}` has no available upstream right now",
    retryAfter: 30,
    doc: "Every target of the model is disabled (for example its credentials could not be resolved when the plan was linked).",
  },
  "upstream-busy": {
    code: "upstream_busy",
    status: 503,
    type: "server_error",
    message: "the upstream `{upstream}` is at its concurrency limit; retry shortly",
    doc: "The provider's `concurrency` limit is reached, its queue timed out, and no other target could take the request.",
  },
  "upstream-rate-limited": {
    code: "rate_limit_exceeded",
    status: 429,
    type: "rate_limit_error",
    message: "the upstream is rate limiting requests ({attempts}): {detail}",
    doc: "Every attempt was rate limited by its provider; the message keeps the provider's own words. `retry-after` (whole seconds, rounded up) and `retry-after-ms` carry the provider's hint (`retry-after`, `retry-after-ms`, or Google's `RetryInfo`) when it gave one.",
  },
  "upstream-quota-exhausted": {
    code: "insufficient_quota",
    status: 429,
    type: "insufficient_quota",
    message: "the upstream account's quota is exhausted ({attempts}): {detail}",
    doc: "The provider said the gateway's account has no quota or credit left (OpenAI's `insufficient_quota`); an operator must top it up or route elsewhere.",
  },
  "upstream-auth-failed": {
    code: "upstream_auth_failed",
    status: 502,
    type: "server_error",
    message: "the upstream refused the gateway's credentials ({attempts}); this is a gateway configuration problem",
    doc: "The provider answered 401/403 to the gateway's own credentials: an operator must fix the key.",
  },
  "upstream-unavailable": {
    code: "upstream_unavailable",
    status: 502,
    type: "server_error",
    message: "could not connect to the upstream ({attempts})",
    doc: "No connection could be made to any target tried.",
  },
  "upstream-timeout": {
    code: "upstream_timeout",
    status: 504,
    type: "server_error",
    message: "the upstream did not answer in time ({attempts})",
    doc: "The last attempt hit a timeout (connect, first byte, first token, idle, total) or the model's deadline.",
  },
  "upstream-interrupted": {
    code: "upstream_error",
    status: 502,
    type: "server_error",
    message: "the upstream connection failed before the response was complete ({attempts})",
    doc: "The connection broke before the answer was complete, and nothing had been sent to the client yet.",
  },
  "upstream-pool-saturated": {
    code: "upstream_pool_saturated",
    status: 503,
    type: "server_error",
    message: "every connection to the upstream stayed busy past the gateway's wait bound ({attempts}); retry shortly",
    doc: "All `connections` of the provider's pool were in use for longer than `timeouts.connectionWait` (default 5s), and no other target could take the request.",
  },
  "upstream-overloaded": {
    code: "upstream_overloaded",
    status: 503,
    type: "server_error",
    message: "the upstream is overloaded ({attempts}): {detail}",
    doc: "The provider said it is overloaded (503/529, Anthropic `overloaded_error`, Bedrock `ServiceUnavailableException`, Google `UNAVAILABLE`). A 503, so clients retry it; `retry-after` and `retry-after-ms` carry the provider's hint when it gave one.",
  },
  "upstream-status": {
    code: "upstream_error",
    status: 502,
    type: "server_error",
    message: "the upstream answered HTTP {status} ({attempts})",
    doc: "The provider failed with a server error the gateway does not pass on.",
  },
  "upstream-failed": { code: "upstream_error", status: 502, type: "server_error", message: "the upstream failed ({attempts})", doc: "The provider failed without a status." },
  "first-token-late": {
    code: "upstream_timeout",
    status: 504,
    type: "server_error",
    message: "the upstream produced no token in time after the response started",
    doc: "In a stream that already started, the first generated token did not come within `timeouts.firstToken`: the last event of the stream.",
  },
  "stream-ended-early": {
    code: "upstream_stream_interrupted",
    status: 502,
    type: "server_error",
    message: "the upstream ended the stream before it was complete",
    doc: "The provider's stream ended without its final event after the response started: the last event of the stream, never a silent `[DONE]`.",
  },
  "stream-connection-failed": {
    code: "upstream_stream_interrupted",
    status: 502,
    type: "server_error",
    message: "the upstream connection failed in the middle of the stream",
    doc: "The connection to the provider broke after the response started: the last event of the stream.",
  },
  "request-deadline": {
    code: "request_timeout",
    status: 504,
    type: "server_error",
    message: "the request did not finish within the gateway's request deadline of {limit} ms",
    doc: "The request ran past `listener.requestTimeout` (every request ends within it, whatever the upstream or the client does): a 504 when the answer had not started, else the last event of the stream; the connection is closed.",
  },
  degraded: {
    code: "degraded",
    status: null,
    type: "server_error",
    message: "{text}",
    doc: "Every attempt failed and the model's `degraded` answer has a 4xx/5xx status: its text, with `x-tollgate-degraded: 1`. The error type follows the status (429: `rate_limit_error`, 4xx: `invalid_request_error`).",
  },
  // The gateway itself.
  internal: {
    code: "internal_error",
    status: 500,
    type: "server_error",
    message: "the gateway failed to handle this request; it has been logged",
    doc: "A bug in the gateway. The process stays up; the log line has the request id.",
  },
  "usage-report-failed": {
    code: "internal_error",
    status: 500,
    type: "server_error",
    message: "the usage report failed: {reason}",
    doc: "`GET /admin/usage` could not read its store.",
  },
} as const satisfies Record<string, ErrorDefinition>;

/** The name of a row. */
export type ErrorName = keyof typeof ERROR_TABLE;
