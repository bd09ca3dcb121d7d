/**
 * Trace files of `tollgate simulate`: one JSON object per line, a recorded or
 * synthetic request. Fields: `model` (required); `key` (an API key, hashed here and
 * never printed), `key_sha256` or `consumer`; `headers`; the prompt as `prompt` or
 * chat `messages`; `max_tokens`; and token counts when known: `input_tokens` /
 * `output_tokens`, or an OpenAI `usage` object; `stream`; and when it was sent:
 * `timestamp` (ISO 8601, or ms since the epoch), for quota windows. A `body` object may
 * hold the request body fields instead.
 */
import { type Caller, keyDigest } from "../../decision/decide.js";
import { type RequestHeaders, normalizeHeaders } from "../../decision/match-route.js";
import { estimateTokens } from "../../decision/route-extras.js";

/** One request of the trace. */
export interface TraceRequest {
  /** 1-based line in the trace file. */
  readonly line: number;
  readonly model: string;
  readonly caller: Caller;
  readonly headers: RequestHeaders;
  readonly inputTokens: number;
  /** True when `inputTokens` is the gateway's prompt estimate (the trace gave no count). */
  readonly inputEstimated: boolean;
  readonly outputTokens: number;
  /** True when `outputTokens` is `max_tokens` (an upper bound) or unknown (0). */
  readonly outputEstimated: boolean;
  /** The request body (for routes on prompt size and content). */
  readonly body?: Readonly<Record<string, unknown>>;
  /** `max_tokens`/`max_completion_tokens`, or null (quotas reserve their default). */
  readonly maxTokens: number | null;
  readonly stream: boolean;
  /** When the request was sent (ms since the epoch), or null when the trace does not say. */
  readonly timestamp: number | null;
}

/** Parses a trace; a string names the first bad line (its content is never echoed: it may hold a key). */
export function parseTrace(text: string, file: string): TraceRequest[] | string {
  const out: TraceRequest[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]?.trim() ?? "";
    if (raw === "" || raw.startsWith("//")) continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return `${file}:${i + 1}: not valid JSON`;
    }
    const request = toRequest(value, i + 1);
    if (typeof request === "string") return `${file}:${i + 1}: ${request}`;
    out.push(request);
  }
  return out;
}

function toRequest(value: unknown, line: number): TraceRequest | string {
  if (!isRecord(value)) return "a trace line is a JSON object";
  const body = isRecord(value.body) ? value.body : value;
  const model = body.model;
  if (typeof model !== "string" || model === "") return "`model` is missing";
  const caller: Caller =
    typeof value.key === "string"
      ? { kind: "key-digest", sha256: keyDigest(value.key) }
      : typeof value.key_sha256 === "string"
        ? { kind: "key-digest", sha256: value.key_sha256 }
        : typeof value.consumer === "string"
          ? { kind: "consumer", name: value.consumer }
          : { kind: "none" };
  const headers = isRecord(value.headers) ? normalizeHeaders(Object.fromEntries(Object.entries(value.headers).filter((e): e is [string, string] => typeof e[1] === "string"))) : {};
  const usage = isRecord(value.usage) ? value.usage : {};
  const givenInput = count(value.input_tokens) ?? count(usage.prompt_tokens);
  const givenOutput = count(value.output_tokens) ?? count(usage.completion_tokens);
  const maxTokens = count(body.max_tokens) ?? count(body.max_completion_tokens);
  const timestamp = timeOf(value.timestamp);
  if (timestamp === undefined) return "`timestamp` must be an ISO 8601 date or milliseconds since the epoch";
  return {
    line,
    model,
    caller,
    headers,
    inputTokens: givenInput ?? promptEstimate(body),
    inputEstimated: givenInput === undefined,
    outputTokens: givenOutput ?? maxTokens ?? 0,
    outputEstimated: givenOutput === undefined,
    maxTokens: maxTokens ?? null,
    stream: body.stream === true,
    timestamp,
    // Chat bodies only: routes on prompt size and content read the messages.
    ...(Array.isArray(body.messages) ? { body } : {}),
  };
}

/**
 * The prompt tokens the gateway would reserve for this request (its one prompt
 * estimate): of the chat `messages`, or of `prompt` as one user message; 0 when the
 * trace line has neither.
 */
function promptEstimate(body: Record<string, unknown>): number {
  if (Array.isArray(body.messages)) return estimateTokens(body);
  if (typeof body.prompt === "string") return estimateTokens({ messages: [{ role: "user", content: body.prompt }] });
  return 0;
}

/** A timestamp: null when absent, undefined when unreadable. */
function timeOf(value: unknown): number | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? undefined : ms;
  }
  return undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
