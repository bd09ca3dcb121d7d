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
}

/** True for a {@link ProviderError} (adapters' helpers return a value or one). */
export function isProviderError(v: unknown): v is ProviderError {
  return isRecord(v) && typeof v["class"] === "string" && typeof v["status"] === "number" && "retryAfterMs" in v;
}

/** A request the provider cannot serve, refused before sending (HTTP 400 to the client). */
export function badRequest(message: string, code: string | null = "unsupported_parameter"): ProviderError {
  return { class: "bad_request", status: 400, message, code, retryAfterMs: null };
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
