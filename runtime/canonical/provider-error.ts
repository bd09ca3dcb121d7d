/** Constructors for {@link ProviderError} shared by the adapters. */
import type { ProviderError } from "../adapters/adapter.js";
import type { ErrorClass } from "../../schemas/plan/constants.js";

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

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
