/**
 * OpenAI-shaped error bodies (`{"error":{"message","type","param","code"}}`) → an
 * ErrorClass. The status decides first; the provider's code or message refines a 400
 * (context window, content filter) or a 429 (quota). The mapping: docs/providers.md#openai-chat-completions;
 * recorded OpenAI error bodies are replayed by test/conformance/cassettes.conformance.test.ts;
 * Azure content filtering (`code: content_filter`, inner `ResponsibleAIPolicyViolation`):
 * docs/providers.md#azure-openai-urls.
 *
 * Messages of auth failures are never passed on (OpenAI's echoes a masked key).
 */
import type { ProviderError } from "../../canonical/provider-error.js";
import type { ErrorClass } from "../../../schemas/plan/constants.js";
import { retryAfterMsOf } from "../retry-after.js";

/** Longest provider message passed to a client. */
const MAX_MESSAGE = 2000;

interface OpenAIErrorFields {
  message: string | null;
  type: string | null;
  code: string | null;
  param: string | null;
  innerCode: string | null;
}

function text(v: unknown): string | null {
  if (typeof v === "string") return v.slice(0, MAX_MESSAGE);
  return typeof v === "number" ? String(v) : null;
}

/** The error fields of an OpenAI-shaped body (also vLLM's `{"object":"error",…}` and Azure's inner error). */
export function openAIErrorFields(body: Buffer | string): OpenAIErrorFields | null {
  let parsed: unknown;
  try {
    parsed = body.length > 0 && body.length <= 65536 ? JSON.parse(body.toString()) : undefined;
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const root = parsed as Record<string, unknown>;
  const e = (typeof root["error"] === "object" && root["error"] !== null ? root["error"] : root) as Record<string, unknown>;
  const inner = e["innererror"];
  const fields = {
    message: text(e["message"]),
    type: text(e["type"]),
    code: text(e["code"]),
    param: text(e["param"]),
    innerCode: typeof inner === "object" && inner !== null ? text((inner as Record<string, unknown>)["code"]) : null,
  };
  return fields.message === null && fields.code === null && fields.type === null ? null : fields;
}

const CONTEXT_CODES = new Set(["context_length_exceeded", "string_above_max_length", "context_window_exceeded"]);
const CONTEXT_TEXT = /maximum context length|context (window|length)|too many tokens|prompt is too long|input is too long/i;
const FILTER_CODES = new Set(["content_filter", "content_policy_violation", "responsibleaipolicyviolation"]);

/** The class of a non-2xx OpenAI-compatible answer. */
export function classOf(status: number, f: OpenAIErrorFields | null): ErrorClass {
  const code = f?.code?.toLowerCase() ?? "";
  if (status === 401 || status === 403) return "auth";
  if (status === 429) return "rate_limited";
  if (status === 408) return "timeout";
  if (status === 503 || status === 529) return "overloaded";
  if (status === 504) return "timeout";
  if (status >= 500) return "server";
  if (CONTEXT_CODES.has(code) || (f?.message != null && CONTEXT_TEXT.test(f.message))) return "context_too_long";
  if (FILTER_CODES.has(code) || FILTER_CODES.has(f?.innerCode?.toLowerCase() ?? "")) return "content_filtered";
  if (status === 413) return "context_too_long";
  return "bad_request";
}

/** Default client-facing messages per class, used when the provider's own must not (or cannot) be shown. */
export const CLASS_MESSAGES: Readonly<Record<ErrorClass, string>> = {
  rate_limited: "the provider is rate limiting requests",
  overloaded: "the provider is overloaded",
  context_too_long: "the prompt is longer than the model's context window",
  content_filtered: "the provider's content filter blocked the request",
  auth: "the provider refused the gateway's credentials",
  bad_request: "the provider rejected the request",
  server: "the provider failed to answer",
  timeout: "the provider did not answer in time",
  connect: "could not connect to the provider",
  interrupted: "the connection to the provider broke",
};

/** Implements {@link ChatAdapter.classifyError} for OpenAI-shaped error bodies. */
export function classifyOpenAIError(status: number, headers: Readonly<Record<string, string | string[] | undefined>>, body: Buffer): ProviderError {
  const f = openAIErrorFields(body);
  const cls = classOf(status, f);
  // Auth messages may echo (masked) keys; server-side messages say nothing a client can act on.
  const own = cls === "bad_request" || cls === "context_too_long" || cls === "content_filtered" || cls === "rate_limited";
  return {
    class: cls,
    status,
    message: own && f?.message ? f.message : CLASS_MESSAGES[cls],
    code: f?.code ?? null,
    retryAfterMs: retryAfterMsOf(headers),
    param: f?.param ?? null,
    openAIFields: true,
  };
}

/** An error reported inside a 2xx body or stream event (`{"error":{…}}`), classified by its own status code if any. */
export function classifyEmbeddedError(data: Buffer | string): ProviderError | null {
  const f = openAIErrorFields(data);
  if (f === null) return null;
  const given = Number(f.code);
  const cls = classOf(Number.isInteger(given) && given >= 400 ? given : statusFromWords(`${f.type ?? ""} ${f.code ?? ""}`), f);
  const known = ["bad_request", "context_too_long", "content_filtered", "rate_limited"].includes(cls);
  return { class: cls, status: 200, message: known && f.message ? f.message : CLASS_MESSAGES[cls], code: f.code, retryAfterMs: null, param: f.param, openAIFields: true };
}

/** A status for an error that names its kind in words only (OpenRouter, Responses-style events). */
function statusFromWords(words: string): number {
  if (/overload|capacity/i.test(words)) return 503;
  if (/rate.?limit/i.test(words)) return 429;
  if (/server|internal|upstream/i.test(words)) return 500;
  if (/timeout/i.test(words)) return 504;
  return 400;
}
