/**
 * A provider failure in one shape, whatever the provider: what adapters return when a
 * provider refuses or fails a request (or when they refuse it themselves), and the
 * helpers that build and read it. The pipeline acts on the class (retry, fall back,
 * answer), never on a provider's raw status or message.
 */
import type { ErrorClass } from "../../schemas/plan/constants.js";

/** A classified provider failure, before or inside a response. */
export interface ProviderError {
  readonly class: ErrorClass;
  /** The HTTP status the provider answered (200 for an error event inside a stream; 0 when none). */
  readonly status: number;
  /** A short message safe to show the client (no payload echoes, no secrets). */
  readonly message: string;
  /** The provider's error code or type, when it gave one. */
  readonly code: string | null;
  /** From `retry-after` (or the provider's equivalent), in ms. */
  readonly retryAfterMs: number | null;
  /** The request parameter at fault, when the provider named one (OpenAI's `param`). */
  readonly param?: string | null;
  /**
   * True when `code` and `param` are already OpenAI's vocabulary (an OpenAI-compatible
   * upstream): the client then gets them as they are. Other providers' codes
   * (`ValidationException`, `invalid_request_error`, `INVALID_ARGUMENT`) are mapped to
   * the codes OpenAI's SDKs know (pipeline/provider-failure.ts).
   */
  readonly openAIFields?: boolean;
}

/** True for a {@link ProviderError} (adapters' helpers return a value or one). */
export function isProviderError(v: unknown): v is ProviderError {
  return isRecord(v) && typeof v["class"] === "string" && typeof v["status"] === "number" && "retryAfterMs" in v;
}

/**
 * A request the provider cannot serve, refused before sending (HTTP 400 to the client).
 * `param` defaults to the first request field the message names in backticks
 * (`messages[2].role`, `reasoning_effort`), so the client learns which field it was.
 */
export function badRequest(message: string, code: string | null = "unsupported_parameter", param: string | null = paramNamedIn(message)): ProviderError {
  return { class: "bad_request", status: 400, message, code, retryAfterMs: null, param, openAIFields: true };
}

/** A field path alone in backticks: `messages[3].tool_call_id`, `tools[].function.name`, `n`. */
const FIELD_IN_TICKS = /`([a-z_]+(?:\[\d*\])?(?:\.[a-z_]+(?:\[\d*\])?)*)`/;

/** The first request field a message names in backticks, or null. */
export function paramNamedIn(message: string): string | null {
  return FIELD_IN_TICKS.exec(message)?.[1] ?? null;
}

/**
 * Provider field names (Converse's camelCase, Google's snake_case and camelCase,
 * Anthropic's) → the OpenAI request field a client sent, for `param`.
 */
const OPENAI_PARAMS: Readonly<Record<string, string>> = {
  max_tokens: "max_tokens",
  maxtokens: "max_tokens",
  max_output_tokens: "max_tokens",
  maxoutputtokens: "max_tokens",
  temperature: "temperature",
  top_p: "top_p",
  topp: "top_p",
  top_k: "top_k",
  topk: "top_k",
  stop_sequences: "stop",
  stopsequences: "stop",
  messages: "messages",
  contents: "messages",
  system: "messages",
  system_instruction: "messages",
  systeminstruction: "messages",
  tools: "tools",
  toolconfig: "tools",
  function_declarations: "tools",
  tool_choice: "tool_choice",
  model: "model",
  modelid: "model",
  response_mime_type: "response_format",
  response_schema: "response_format",
  output_config: "response_format",
  thinking: "reasoning_effort",
  thinking_config: "reasoning_effort",
  thinkingconfig: "reasoning_effort",
  seed: "seed",
  presence_penalty: "presence_penalty",
  frequency_penalty: "frequency_penalty",
};

/**
 * The OpenAI `param` for a provider's field path (`inferenceConfig.maxTokens`,
 * `generation_config.max_output_tokens`, `messages.1.content.0.text`): the most
 * specific segment that has an OpenAI name; message paths keep their index
 * (`messages[1].content`). Null when nothing maps.
 */
export function openAIParamOf(path: string): string | null {
  const segments = path.split(".");
  const first = segments[0]!.toLowerCase();
  if ((first === "messages" || first === "contents") && /^\d+$/.test(segments[1] ?? "")) {
    return `messages[${segments[1]}]${segments[2] !== undefined && !/^\d+$/.test(segments[2]) ? `.${segments[2]}` : ""}`;
  }
  for (let i = segments.length - 1; i >= 0; i--) {
    const hit = OPENAI_PARAMS[segments[i]!.toLowerCase()];
    if (hit !== undefined) return hit;
  }
  return null;
}

/**
 * Milliseconds from a Google `RetryInfo` detail (`{"@type":"…google.rpc.RetryInfo","retryDelay":"34.4s"}`),
 * kept to the millisecond (never rounded to whole seconds); null when there is none.
 */
export function googleRetryDelayMs(details: readonly unknown[]): number | null {
  for (const d of details) {
    if (!isRecord(d) || typeof d["@type"] !== "string" || !d["@type"].endsWith("google.rpc.RetryInfo")) continue;
    const delay = d["retryDelay"];
    if (typeof delay === "string") {
      const m = /^(\d+(?:\.\d+)?)s$/.exec(delay.trim());
      if (m !== null) return Math.round(Number(m[1]) * 1000);
    }
    if (isRecord(delay)) return Math.round(Number(delay["seconds"] ?? 0) * 1000 + Number(delay["nanos"] ?? 0) / 1e6);
  }
  return null;
}

/**
 * The gateway could not obtain its own credentials for a provider (a cloud identity
 * whose token endpoint failed and whose last token expired): an `auth` failure of the
 * attempt, so the next target is tried; the cause is named, never a secret.
 */
export function credentialsUnavailable(provider: string, err: unknown): ProviderError {
  const why = err instanceof Error ? err.message : String(err);
  return { class: "auth", status: 0, message: `${provider}: could not obtain credentials (${why.slice(0, 200)})`, code: "credentials_unavailable", retryAfterMs: null };
}

/** The class a bare HTTP status implies, when the body says nothing more specific. */
export function classOfStatus(status: number): ErrorClass {
  if (status === 429) return "rate_limited";
  if (status === 401 || status === 403) return "auth";
  if (status === 408 || status === 504) return "timeout";
  if (status === 503 || status === 529) return "overloaded";
  if (status >= 500) return "server";
  return "bad_request";
}

/** Milliseconds from a `retry-after` header (seconds or an HTTP date), or null. */
export function retryAfterMs(headers: Readonly<Record<string, string | string[] | undefined>>): number | null {
  const raw = headers["retry-after-ms"] ?? headers["retry-after"];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === "") return null;
  const isMs = headers["retry-after-ms"] !== undefined;
  const n = Number(value);
  if (Number.isFinite(n) && n >= 0) return Math.round(isMs ? n : n * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/** The provider's words about what went wrong, cut short: enough to act on, never a payload dump. */
export function shortMessage(message: unknown, fallback: string): string {
  if (typeof message !== "string" || message === "") return fallback;
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}

/** Context-window overflow, as providers word it inside a generic 400. */
const CONTEXT_WORDS = /context (length|window)|too long|too many tokens|maximum (number of )?tokens|token limit|exceeds the (maximum|limit)/i;

/** True when a provider's message says the prompt did not fit the context window. */
export function mentionsContextLimit(message: string): boolean {
  return CONTEXT_WORDS.test(message);
}

/** Parses a JSON body, or null. */
export function parseJson(body: Buffer | string): unknown {
  try {
    return JSON.parse(typeof body === "string" ? body : body.toString("utf8"));
  } catch {
    return null;
  }
}

/** A plain JSON object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
