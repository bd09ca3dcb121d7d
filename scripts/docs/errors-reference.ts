/**
 * Renders docs/reference/errors.md from the runtime's error table
 * (runtime/base/error-table.ts): every error the gateway answers itself, for client
 * developers, with what to do about each status.
 */
import { anthropicErrorType } from "../../runtime/adapters/anthropic/inbound/encode-response.js";
import { ERROR_TABLE, type ErrorDefinition } from "../../runtime/base/error-table.js";
import { cell, generatedBanner, table } from "./markdown.js";

/** What a client should do about a status; every status the table uses must be here. */
const WHAT_TO_DO: Readonly<Record<number, string>> = {
  400: "Fix the request: the message says what is wrong and `param` names the field. Sending it again unchanged gets the same answer.",
  401: "Send a valid key: `Authorization: Bearer <key>` (or `x-api-key` on `/v1/messages`); on the admin listener, the admin token.",
  403: "The key's consumer may not use this model: use one it may (`GET /v1/models` lists them), or ask the operator to allow it.",
  404: "Check the model name (`GET /v1/models` lists the names the key may use) or the path.",
  405: "Use the method the endpoint takes.",
  413: "Send a smaller body or upload.",
  431: "Send fewer or smaller headers: at most 100 header fields and 16 KiB of header block.",
  429: "Wait for `retry-after` (seconds; `retry-after-ms` when sent) and retry. The `x-ratelimit-*` headers say what is left.",
  500: "A bug in the gateway: report it with the answer's `x-request-id`.",
  502: "An upstream failed and no other target could answer: retry later, with backoff.",
  503: "Temporarily unavailable: retry after `retry-after` when it is sent, else with backoff.",
  504: "The upstream did not answer in time: retry later; a smaller `max_tokens` shortens a long answer.",
};

/** Whether the official `openai` SDKs retry a status on their own (408, 409, 429 and 5xx, unless `x-should-retry` says otherwise). */
function sdkRetries(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function statusText(d: ErrorDefinition): string {
  return d.status === null ? "the plan's" : String(d.status);
}

function anthropicType(d: ErrorDefinition): string {
  return d.status === null ? "by status" : `\`${anthropicErrorType(d.status)}\``;
}

function notes(d: ErrorDefinition): string {
  const parts: string[] = [];
  if (d.param !== undefined) parts.push(`\`param\`: \`${d.param}\``);
  if (d.retryAfter !== undefined) parts.push(`\`retry-after: ${d.retryAfter}\``);
  return parts.join("; ");
}

/** docs/reference/errors.md. */
export function errorsReferenceDocument(): string {
  const rows = Object.entries(ERROR_TABLE as Record<string, ErrorDefinition>).sort(
    ([an, a], [bn, b]) => (a.status ?? 999) - (b.status ?? 999) || a.code.localeCompare(b.code) || an.localeCompare(bn),
  );
  const statuses = [...new Set(rows.map(([, d]) => d.status).filter((s): s is number => s !== null))].sort((a, b) => a - b);
  for (const status of statuses)
    if (!WHAT_TO_DO[status]) throw new Error(`status ${status} of the error table has no advice in scripts/docs/errors-reference.ts: add it to WHAT_TO_DO`);
  const codesOf = (status: number): string => [...new Set(rows.filter(([, d]) => d.status === status).map(([, d]) => `\`${d.code}\``))].join(", ");

  return [
    generatedBanner("the error table, runtime/base/error-table.ts"),
    "",
    "# Runtime errors",
    "",
    "Every error the gateway answers itself, for client developers: when it happens and what to do.",
    "",
    "- [The error shape](#the-error-shape)",
    "- [By status: what to do](#by-status-what-to-do)",
    "- [Every error](#every-error)",
    "- [Errors that come from a provider](#errors-that-come-from-a-provider)",
    "",
    "## The error shape",
    "",
    "Errors use OpenAI's shape, with all four keys (`param` and `code` may be `null`), so the official",
    "SDKs raise their usual error classes:",
    "",
    "```json",
    '{"error":{"message":"this API key may not use the model `gpt-4o`","type":"invalid_request_error","param":"model","code":"model_not_allowed"}}',
    "```",
    "",
    "- Branch on `code` (stable) and the HTTP status, not on `message` (worded for people). Several",
    "  situations may share a code; the message says which one it was.",
    "- Every answer carries `x-request-id` (the client's own when it sent a sane one); quote it when",
    "  reporting a problem. Answers with a retry hint carry `retry-after` (seconds).",
    "- On `/v1/messages` (the Anthropic Messages API) the same errors come in Anthropic's shape,",
    '  `{"type":"error","error":{"type","message"},"request_id"}`, with the Anthropic error type of',
    "  the status (column *Anthropic type*), so the Anthropic SDK raises its usual classes too.",
    "- Once a stream has started (status 200 sent), an error is the stream's last event,",
    '  `data: {"error":{…}}`, and **no** `data: [DONE]` follows (on `/v1/messages`: `event: error`).',
    "  The official SDKs raise it as an error instead of taking the truncated answer as complete.",
    "- Messages are the gateway's own: they never hold a provider's payload, a key or the prompt;",
    "  values the client sent (a model name, a path) are cut to 200 characters.",
    "",
    "## By status: what to do",
    "",
    "The official `openai` SDKs retry 408, 409, 429 and 5xx answers on their own (twice by default,",
    "honouring `retry-after-ms` and `retry-after`).",
    "",
    table(
      ["status", "codes", "SDK retries", "what to do"],
      statuses.map((s) => [String(s), codesOf(s), sdkRetries(s) ? "yes" : "no", cell(WHAT_TO_DO[s]!)]),
    ),
    "",
    "## Every error",
    "",
    "Sorted by status, then code. *Name* is the row of the table in `runtime/base/error-table.ts`;",
    "`{name}` in a message is filled in when the error is made.",
    "",
    table(
      ["status", "code", "type", "Anthropic type", "name", "message", "when", "also"],
      rows.map(([name, d]) => [statusText(d), `\`${d.code}\``, `\`${d.type}\``, anthropicType(d), `\`${name}\``, cell(d.message), cell(d.doc), notes(d)]),
    ),
    "",
    "## Errors that come from a provider",
    "",
    "Some answers are not rows of the table, because their content comes from the provider:",
    "",
    "- **The request's own fault.** When the provider refuses the request itself (`bad_request`,",
    "  `context_too_long`, `content_filtered` in the gateway's error classes), no other target is",
    "  tried: the client gets the provider's status (400 when it was not a 4xx, or was 401, 403 or",
    "  429), its message and `param`, type `invalid_request_error`, and its code, or",
    "  `context_length_exceeded` / `content_filter` when it gave none. Fix the request.",
    "- **A parameter no target can honour.** A target whose protocol cannot carry a parameter (tools,",
    "  `response_format`, `n` > 1, …) is skipped for the next one; when none is left the answer is",
    "  400 `unsupported_parameter` naming it in `param`. An embeddings or audio request for a model",
    "  no provider of which offers that endpoint gets 400 `unsupported_endpoint`.",
    "- **A provider error inside a stream that already started** ends the stream with",
    '  `data: {"error":{"message":"the upstream reported an error in the middle of the stream: …","type":"server_error","param":null,"code":…}}`,',
    "  the code being the provider's, else the gateway's error class (`overloaded`, `rate_limited`, …).",
    "",
    "How providers' failures are classified and when the gateway moves to another target:",
    "[Routing and reliability](../routing-and-reliability.md#reliability) and [Providers](../providers.md#errors-classified).",
    "",
  ].join("\n");
}
